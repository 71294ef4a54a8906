"""/<lang>/me/…: an ambassador's own pages, included from config/urls.py inside i18n_patterns.

No app namespace: the names (`me_home`, `me_sign_in` …) are the ones the
pages and tests have always used.
"""

from django.urls import path

from events import me_views

urlpatterns = [
    path("", me_views.home, name="me_home"),
    path("sign-in/", me_views.sign_in, name="me_sign_in"),
    path("code/", me_views.code, name="me_code"),
    path("pause/", me_views.pause, name="me_pause"),
    path("profile/", me_views.profile, name="me_profile"),
    path("withdraw/", me_views.withdraw, name="me_withdraw"),
    path("sign-out/", me_views.sign_out, name="me_sign_out"),
]
