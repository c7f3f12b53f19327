from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from otwarta.core import sitemap
from otwarta.core import views as core_views
from otwarta.guide import views as guide_views
from otwarta.search import views as search_views

handler404 = "otwarta.core.views.page_not_found"
handler500 = "otwarta.core.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap.sitemap, name="sitemap"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sw.js", core_views.service_worker, name="service_worker"),
    path("api/hsds/", include(("otwarta.hsds.urls", "hsds"), namespace="hsds")),
]

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("", include(("otwarta.core.urls", "core"), namespace="core")),
    path("formularze/", include(("otwarta.forms_library.urls", "forms_library"), namespace="forms_library")),
    path("zamow-tlumacza/", include(("otwarta.assistance.urls", "assistance"), namespace="assistance")),
    path("uslugi/", include(("otwarta.directory.urls", "directory"), namespace="directory")),
    path("tlumacze/", include(("otwarta.registers.urls", "registers"), namespace="registers")),
    path("druki/", include(("otwarta.printing.urls", "printing"), namespace="printing")),
    # the situation guide's checklist as a PDF (a page's sub-URL with a dot, which Wagtail's pattern lacks)
    re_path(r"^((?:[\w\-]+/)+)wynik\.pdf$", guide_views.serve_pdf_path, name="guide_pdf"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
