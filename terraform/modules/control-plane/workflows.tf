resource "google_workflows_workflow" "this" {
  for_each = local.workflows

  project         = var.project_id
  region          = var.region
  name            = each.key
  description     = each.value.description
  service_account = google_service_account.workflows.id
  call_log_level  = "LOG_ERRORS_ONLY"
  labels          = local.labels
  # The provider's default (true) makes an environment impossible to destroy.
  deletion_protection = var.deletion_protection
  user_env_vars = merge(
    {
      EVENTS_TOPIC        = google_pubsub_topic.flow["events"].id
      ARGOCD_TOKEN_SECRET = google_secret_manager_secret.argocd_token.secret_id
    },
    var.argocd_url == "" ? {} : { ARGOCD_URL = var.argocd_url },
    # Service Directory service through which Workflows reaches Argo CD inside the VPC
    # (http.* calls pass it as private_service_name).
    var.argocd_internal_ip == "" ? {} : { ARGOCD_PRIVATE_SERVICE = google_service_directory_service.argocd[0].id },
    { BACKUP_REGION = var.backup_region, EXPORTS_BUCKET = var.backup_bucket_name, SQL_INSTANCE = var.sql_instance_name },
    var.zenml_health_url == "" ? {} : { ZENML_HEALTH_URL = var.zenml_health_url },
    var.workflow_env,
  )
  source_contents = file("${local.workflows_dir}/${each.value.file}")
}
