from accounts.routing import route
from reports import views
from reports.access import ANY_REPORT, MARAC_RETURN, REPORTS

app_name = "reports"

urlpatterns = [
    route("", views.dashboard, name="dashboard", access=REPORTS),
    route("outcomes/", views.outcomes, name="outcomes", access=REPORTS),
    route("equality/", views.equality, name="equality", access=REPORTS),
    route("marac-return/", views.marac_return, name="marac_return", access=MARAC_RETURN),
    route("commissioner.pdf", views.commissioner_pdf, name="commissioner_pdf", access=REPORTS),
    route("<slug:report_key>/export.<slug:fmt>", views.export, name="export", access=ANY_REPORT),
]
