from django.urls import path

from . import upkeep_views, views

app_name = "accounts"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
urlpatterns += upkeep_views.urlpatterns
