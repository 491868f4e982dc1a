from django.urls import path
from oauth2_provider import views as oauth_views

from citizen_api.views import account, appeals, reference

app_name = "citizen_api"
urlpatterns = [
    path("schema/", reference.schema, name="schema"),
    path("categories/", reference.categories, name="categories"),
    path("categories/<int:category_id>/term/", reference.category_term, name="category_term"),
    path("municipalities/", reference.municipalities, name="municipalities"),
    path("addresses/", reference.addresses, name="addresses"),
    path("appeals/", appeals.appeal_list, name="appeals"),
    path("appeals/<str:number>/", appeals.appeal_detail, name="appeal"),
    path("appeals/<str:number>/reply/", appeals.reply, name="reply"),
    path("appeals/<str:number>/rating/", appeals.rate, name="rating"),
    path("problems/<str:number>/support/", appeals.support, name="support"),
    path("me/notification-settings/", account.notification_settings, name="notification_settings"),
    path("me/push-subscriptions/", account.push_subscriptions, name="push_subscriptions"),
]

# OAuth 2.0 of the mobile app (django-oauth-toolkit): the consent page, the token endpoint and
# revocation only; applications are registered in the admin, not by the public.
oauth_patterns = (
    [
        path("authorize/", oauth_views.AuthorizationView.as_view(), name="authorize"),
        path("token/", oauth_views.TokenView.as_view(), name="token"),
        path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    ],
    "oauth2_provider",
)
