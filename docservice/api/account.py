"""The signed-in user's own account under ``/api/v1/account``: changing the password.

The only JSON route open to a user who still has to change a one-time password (every other
one answers 403 ``password_change_required``, docservice/auth.py). The new password follows
the same policy as on the pages and the command line (``docservice.users.check_new_password``);
a session-authenticated call carries ``X-CSRFToken`` as every write does.
"""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from ..auth import actor, renew_session
from ..users import change_password
from .documents import signed_in

blp = Blueprint("account_api", __name__, url_prefix="/api/v1", description="The signed-in user's own account")

PASSWORD_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["old", "new"],
    "properties": {"old": {"type": "string", "description": "The current (or one-time) password"},
                   "new": {"type": "string", "description": "At least 10 characters, not the login, "
                                                          "not a common password, not the current one"}}},
    "example": {"old": "one-time-secret", "new": "a-long-new-passphrase"}}}}
ERRORS = {str(code): {"description": text} for code, text in (
    (400, "Missing CSRF token (session-authenticated call)"), (401, "Not signed in"),
    (422, "Wrong current password, or the new one breaks the policy: the message says which"))}


@blp.route("/account/password", methods=["POST"], endpoint="change_password")
@blp.doc(summary="Change my password; ends my other sessions", requestBody=PASSWORD_BODY,
         responses={"204": {"description": "Changed"}, **ERRORS})
@signed_in
def change_my_password():
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    old, new = body.get("old"), body.get("new")
    user = actor()
    change_password(user, old if isinstance(old, str) else "", new if isinstance(new, str) else "")
    renew_session(user)
    return "", 204
