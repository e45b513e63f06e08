from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, in front of ModelBackend.

    Lockouts count failures by username and client address, which only an HTTP request
    has. A call without a request (the test client's ``login()``, the shell,
    management commands) is not a login from the web: it is let through to the next
    backend instead of raising ``AxesBackendRequestParameterRequired``.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
