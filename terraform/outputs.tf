output "network_name" {
  description = "Name of the VPC network."
  value       = module.vpc.network_name
}

output "gke_cluster_name" {
  description = "Name of the GKE cluster (gcloud container clusters get-credentials)."
  value       = module.gke.cluster_name
}

output "sql_instance_name" {
  description = "Name of the Cloud SQL instance."
  value       = module.mysql.instance_name
}

output "sql_connection_name" {
  description = "Connection name of the Cloud SQL instance."
  value       = module.mysql.connection_name
}

output "sql_root_password_secret" {
  description = "Secret Manager secret holding the Cloud SQL root password."
  value       = module.mysql.root_password_secret_id
}

output "artifact_bucket" {
  description = "Artifact bucket of the ZenML stack."
  value       = module.storage.artifact_bucket_name
}

output "backup_bucket" {
  description = "Exports bucket, in the backup region."
  value       = module.storage.backup_bucket_name
}

output "docker_repository_url" {
  description = "Artifact Registry Docker repository URL."
  value       = module.storage.docker_repository_url
}

output "workload_service_accounts" {
  description = "Google service accounts to annotate the ZenML and MLflow Kubernetes service accounts with."
  value       = module.security.workload_service_account_emails
}

output "dns_name_servers" {
  description = "Name servers of the DNS zone (empty when enable_dns is false)."
  value       = var.enable_dns ? module.dns[0].name_servers : []
}

output "control_plane_topics" {
  description = "Pub/Sub topic IDs of the control plane by flow."
  value       = module.control_plane.topic_ids
}

output "control_plane_functions" {
  description = "Cloud Function names by flow."
  value       = module.control_plane.function_names
}

output "control_plane_workflows" {
  description = "Workflow IDs by name."
  value       = module.control_plane.workflow_ids
}

output "functions_archive_object" {
  description = "Deployed source archive object (its name holds the archive's SHA-256)."
  value       = module.control_plane.functions_archive_object
}

output "firestore_database" {
  description = "Firestore database of the state store."
  value       = module.control_plane.firestore_database
}

output "sql_replica_name" {
  description = "Cross-region read replica in the backup region (empty when enable_cross_region_replica is false)."
  value       = module.mysql.replica_name
}

output "argocd_internal_ip" {
  description = "Internal address of the Argo CD API (reachable from the VPC; Workflows reach it through Service Directory)."
  value       = module.gitops.argocd_internal_ip
}

output "events_subscription" {
  description = "Retained subscription on cp-events (stackctl events --project)."
  value       = module.control_plane.events_subscription
}

output "attention_subscriptions" {
  description = "Subscriptions of the events people must see, by category."
  value       = module.control_plane.attention_subscriptions
}

output "dead_letter_subscriptions" {
  description = "Dead-letter subscriptions by flow (stackctl dead-letters --project)."
  value       = module.control_plane.dead_letter_subscription_ids
}

output "reports_bucket" {
  description = "Bucket of the cost reports."
  value       = module.control_plane.reports_bucket_name
}

output "scheduler_jobs" {
  description = "Cloud Scheduler job names by task."
  value       = module.control_plane.scheduler_jobs
}
