"""The token scheme in the OpenAPI schema, and the Swagger UI page of /api/v1/docs/."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.views import SpectacularSwaggerSplitView


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "reports.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "โทเค็นส่วนตัวจากหน้า /account/tokens/ ส่งเป็น `Authorization: Token <key>` "
                "(หรือ `Bearer <key>`); ไม่ส่งโทเค็น: เห็นเฉพาะข้อมูลสาธารณะ / A personal "
                "token from /account/tokens/, sent as `Authorization: Token <key>` (or "
                "`Bearer <key>`); without one, only the public data."
            ),
        }


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files (no CDN), its start script a
    file of its own (``?script``) and its page's styles in static/api/docs.css: the site's
    Content-Security-Policy (script-src 'self' + nonce, style-src 'self') needs no change."""

    template_name = "api/swagger_ui.html"
    title = "BMA Progress API v1"
    url_name = "api:schema"


class ApiSchema(AutoSchema):
    """Each endpoint answers with a token or without one (the public data): both are in the
    schema's security requirements."""

    def get_auth(self):
        auths = super().get_auth()
        return auths if {} in auths else [*auths, {}]
