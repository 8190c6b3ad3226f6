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
  description = "IDs of the example alert policies."
  value = {
    zenml_server_down = google_monitoring_alert_policy.zenml_server_down.id
    data_corruption   = google_monitoring_alert_policy.data_corruption.id
  }
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
