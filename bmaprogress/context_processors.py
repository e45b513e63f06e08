def csp_nonce(request):
    """``csp_nonce`` for templates: django-htmx's ``{% htmx_script %}`` reads it from the
    context. Lazy: a page that uses no nonce sends none in its policy."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
