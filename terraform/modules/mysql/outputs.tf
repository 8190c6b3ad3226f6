output "instance_name" {
  description = "Name of the Cloud SQL instance."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "Connection name (project:region:instance) for the Cloud SQL connectors."
  value       = google_sql_database_instance.this.connection_name
}

output "private_ip_address" {
  description = "Private IP address of the instance."
  value       = google_sql_database_instance.this.private_ip_address
}

output "root_password_secret_id" {
  description = "Secret Manager secret holding the root password."
  value       = google_secret_manager_secret.root_password.id
}

output "service_account_email" {
  description = "Service account of the instance; it needs write access to any bucket it exports to."
  value       = google_sql_database_instance.this.service_account_email_address
}

output "replica_name" {
  description = "Name of the cross-region read replica (empty when there is none)."
  value       = var.enable_cross_region_replica ? google_sql_database_instance.replica[0].name : ""
}
