"""The risk-flag inbox. Every signed-in user has one; each copy is checked in the view."""

from accounts.routing import SIGNED_IN, route
from casework import views_flags

urlpatterns = [
    route("flags/", views_flags.flag_inbox, name="flags", access=SIGNED_IN),
    route("flags/<int:pk>/", views_flags.flag_detail, name="flag_detail", access=SIGNED_IN),
]
