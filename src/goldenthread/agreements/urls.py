from django.urls import path

from goldenthread.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.agreement_new, name="new"),
    path("coverage/", views.coverage_check, name="coverage"),
    path("<int:agreement_id>/", views.agreement_detail, name="detail"),
    path("<int:agreement_id>/edit/", views.agreement_edit, name="edit"),
    path("<int:agreement_id>/parties/", views.party_add, name="party-add"),
    path("<int:agreement_id>/parties/<int:party_id>/remove/", views.party_remove, name="party-remove"),
    path("<int:agreement_id>/documents/", views.document_add, name="document-add"),
    path("<int:agreement_id>/documents/<int:document_id>/", views.document_download, name="document"),
    path("<int:agreement_id>/submit/", views.agreement_submit, name="submit"),
    path("<int:agreement_id>/return-to-draft/", views.agreement_return_to_draft, name="return-to-draft"),
    path("<int:agreement_id>/sign/", views.agreement_sign, name="sign"),
    path("<int:agreement_id>/amend/", views.agreement_amend, name="amend"),
    path("<int:agreement_id>/end/", views.agreement_end, name="end"),
    path("<int:agreement_id>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:agreement_id>/versions/<int:number>/agreement.pdf", views.version_pdf, name="version-pdf"),
    path("<int:agreement_id>/versions/<int:number>/agreement.json", views.version_json, name="version-json"),
]
