from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import event_views, privacy_views, views

router = SimpleRouter()
router.register("buddy-requests", views.BuddyRequestViewSet, basename="buddy-request")
router.register("ambassadors", views.AmbassadorViewSet, basename="ambassador")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("match-runs", views.MatchRunViewSet, basename="match-run")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("events", event_views.EventViewSet, basename="event")
router.register("invitations", event_views.InvitationViewSet, basename="invitation")

urlpatterns = [
    path("v1/people/export/", privacy_views.PersonExportView.as_view(), name="person-export"),
    path("v1/people/erase/", privacy_views.PersonEraseView.as_view(), name="person-erase"),
    path("v1/", include(router.urls)),
    path("v1/municipalities/", views.MunicipalityList.as_view(), name="municipality-list"),
    path("v1/languages/", views.LanguageList.as_view(), name="language-list"),
    path("v1/interests/", views.InterestList.as_view(), name="interest-list"),
    path("v1/needs/", views.NeedList.as_view(), name="need-list"),
    path("v1/consent-texts/", views.ConsentTextList.as_view(), name="consent-text-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
