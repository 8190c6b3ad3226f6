output "topic_ids" {
  description = "Pub/Sub topic IDs by flow (provisioning, backups, alerts, budgets, costReports, events)."
  value       = { for key, topic in google_pubsub_topic.flow : key => topic.id }
}

output "dead_letter_topic_ids" {
  description = "Dead-letter topic IDs by flow."
  value       = { for key, topic in google_pubsub_topic.dead_letter : key => topic.id }
}

output "dead_letter_subscription_ids" {
  description = "Subscriptions holding the dead-lettered messages, by flow."
  value       = { for key, sub in google_pubsub_subscription.dead_letter : key => sub.id }
}

output "function_names" {
  description = "Cloud Function names by flow."
  value       = { for key, fn in google_cloudfunctions2_function.this : key => fn.name }
}

output "function_service_accounts" {
  description = "Service account email of each function."
  value       = { for key, sa in google_service_account.functions : key => sa.email }
}

output "functions_archive_object" {
  description = "Object name of the deployed source archive (contains its SHA-256)."
  value       = google_storage_bucket_object.functions_archive.name
}

output "workflow_ids" {
  description = "Workflow IDs by name."
  value       = { for key, wf in google_workflows_workflow.this : key => wf.id }
}

output "notification_channel_id" {
  description = "ID of the Pub/Sub notification channel for alert policies."
  value       = google_monitoring_notification_channel.alerts_topic.id
}

output "alert_policy_ids" {
  description = "IDs of the alert policies by purpose."
  value = merge(
    {
      zenml_server_down  = google_monitoring_alert_policy.zenml_server_down.id
      mlflow_server_down = google_monitoring_alert_policy.mlflow_server_down.id
      data_corruption    = google_monitoring_alert_policy.data_corruption.id
      rpo_breach         = google_monitoring_alert_policy.rpo_breach.id
      drill_failure      = google_monitoring_alert_policy.drill_failure.id
      workflow_failures  = google_monitoring_alert_policy.workflow_failures.id
    },
    { for k, p in google_monitoring_alert_policy.dead_letters : "dead_letters_${k}" => p.id },
    { for k, p in google_monitoring_alert_policy.function_errors : "function_errors_${k}" => p.id },
    { for k, p in google_monitoring_alert_policy.attention : "attention_${k}" => p.id },
    { for k, p in google_monitoring_alert_policy.app_uptime : "uptime_${k}" => p.id },
  )
}

output "events_subscription" {
  description = "Retained subscription on cp-events (stackctl events --project, audit)."
  value       = google_pubsub_subscription.events.name
}

output "attention_subscriptions" {
  description = "Filtered subscriptions on cp-events of the events people must see, by category."
  value       = { for k, s in google_pubsub_subscription.attention : k => s.name }
}

output "people_notification_channels" {
  description = "Email and Slack notification channel IDs."
  value       = local.people_channels
}

output "argocd_private_service" {
  description = "Service Directory service of Argo CD for Workflows' private network access (empty when not registered)."
  value       = var.argocd_internal_ip == "" ? "" : google_service_directory_service.argocd[0].id
}

output "scheduler_jobs" {
  description = "Cloud Scheduler job names by task."
  value       = { for k, j in google_cloud_scheduler_job.jobs : k => j.name }
}

output "budget_id" {
  description = "ID of the billing budget."
  value       = google_billing_budget.this.id
}

output "firestore_database" {
  description = "Name of the Firestore database of the state store."
  value       = google_firestore_database.state.name
}

output "reports_bucket_name" {
  description = "Bucket the cost reports are written to."
  value       = google_storage_bucket.reports.name
}
