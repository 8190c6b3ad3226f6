output "key_ring_id" {
  description = "ID of the KMS key ring."
  value       = google_kms_key_ring.this.id
}

output "kms_key_ids" {
  description = "KMS key IDs by key name (cloudsql, storage, artifact-registry, secrets, gke, pubsub)."
  value       = local.key_ids
}

output "backup_kms_key_ids" {
  description = "KMS key IDs in the backup region by key name (cloudsql, storage)."
  value       = local.backup_key_ids
}

output "workload_service_account_emails" {
  description = "Emails of the workload service accounts by name; annotate the Kubernetes service accounts with them."
  value       = { for name, sa in google_service_account.workloads : name => sa.email }
}

output "secret_ids" {
  description = "Secret Manager secret IDs by short name."
  value       = { for name, s in google_secret_manager_secret.this : name => s.id }
}

output "kms_grants" {
  description = "IDs of the service agents' key grants; resources using CMEK depend on them."
  value       = concat([for grant in google_kms_crypto_key_iam_member.service_agents : grant.id], [for grant in google_kms_crypto_key_iam_member.backup_service_agents : grant.id])
}
