"""What went wrong in a browser page during an end-to-end test, one list for every e2e test."""


def problems_of(page, *, http_from=400, failed_requests=True, expected_console=()) -> list[str]:
    """A list that fills, from now on, with the page's console errors (but those ending with
    one of ``expected_console``: the browser logs the 409 or 422 answers a test provokes),
    uncaught exceptions, HTTP answers of status ``http_from`` or more and, with
    ``failed_requests``, requests that failed. net::ERR_ABORTED is the browser cancelling a
    request because the page navigated away (or a download began), never a server's fault."""
    found: list[str] = []

    def console(message):
        if message.type == "error" and not message.text.endswith(tuple(expected_console)):
            found.append(f"console: {message.text}")

    def failed(request):
        if request.failure != "net::ERR_ABORTED":
            found.append(f"failed: {request.url} {request.failure}")

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(f"exception: {error}"))
    if failed_requests:
        page.on("requestfailed", failed)
    page.on(
        "response",
        lambda response: (
            response.status >= http_from and found.append(f"HTTP {response.status}: {response.url}")
        ),
    )
    return found
