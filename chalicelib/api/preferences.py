"""The caller's own data (CONTRACT.md, People): notification preferences and the right to be
forgotten. Any signed-in caller, always about themselves (the token's sub): there is no route
that names a person, so nobody can read or change anyone else's.

* `GET /v1/me/preferences` → 200 PreferencesOut (the defaults when none are stored).
* `PUT /v1/me/preferences` PreferencesIn → 200 the stored preferences; 422 names every bad field.
* `DELETE /v1/me/preferences` → 200 with the defaults now in force (not 204: the same body as
  GET, so a client renders the answer without a second request); repeating it changes nothing.
* `DELETE /v1/me` → 200 {"complaints_deidentified", "notifications_deleted",
  "preferences_deleted"}: done when it answers (services/people.forget); repeating it is safe and
  finishes whatever an interrupted one left.
"""
from __future__ import annotations

from chalice import Blueprint

from ..domain.people import Preferences
from ..services import people as service
from ..wiring import container
from . import schemas
from .errors import ApiError, field_error
from .http import JSON_CONTENT_TYPES, endpoint
from .views import iso

api = Blueprint(__name__)


def preferences_view(p: Preferences) -> dict:
    return {"email": p.email, "phone": p.phone, "push_token": p.push_token, "channels": list(p.channels),
            "language": p.language, "updated_at": iso(p.updated_at)}


@api.route("/v1/me/preferences", methods=["GET"])
@endpoint(api)
def get_preferences(call):
    return preferences_view(service.preferences_of(container.people, call.actor))


@api.route("/v1/me/preferences", methods=["PUT"], content_types=JSON_CONTENT_TYPES)
@endpoint(api, body_model=schemas.PreferencesIn)
def put_preferences(call):
    try:
        prefs = service.set_preferences(container.people, call.actor, call.body.model_dump(), container.now())
    except service.InvalidPreferences as bad:
        raise ApiError(422, "validation_failed",
                       [field_error(field, code, **params) for field, code, params in bad.problems]) from None
    return preferences_view(prefs)


@api.route("/v1/me/preferences", methods=["DELETE"])
@endpoint(api)
def delete_preferences(call):
    return preferences_view(service.clear_preferences(container.people, call.actor))


@api.route("/v1/me", methods=["DELETE"])
@endpoint(api)
def forget_me(call):
    deps = service.ForgetDeps(people=container.people, notifications=container.notifications,
                              complaints=container.repo)
    done = service.forget(deps, call.actor, container.now())
    return {"complaints_deidentified": done.complaints_deidentified,
            "notifications_deleted": done.notifications_deleted,
            "preferences_deleted": done.preferences_deleted}
