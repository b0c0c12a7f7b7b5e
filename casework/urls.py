from casework.urls_access import urlpatterns as access_patterns
from casework.urls_casefile import urlpatterns as casefile_patterns
from casework.urls_flags import urlpatterns as flag_patterns
from casework.urls_legal import urlpatterns as legal_patterns

app_name = "casework"

urlpatterns = [*access_patterns, *casefile_patterns, *legal_patterns, *flag_patterns]
