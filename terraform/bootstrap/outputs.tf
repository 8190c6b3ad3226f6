output "state_bucket" {
  description = "Bucket for terraform init -backend-config=bucket=... (and the TF_STATE_BUCKET repository variable)."
  value       = google_storage_bucket.state.name
}

output "workload_identity_provider" {
  description = "Value of the GCP_WIF_PROVIDER repository variable."
  value       = google_iam_workload_identity_pool_provider.github.name
}

output "terraform_service_account" {
  description = "Value of the GCP_TERRAFORM_SA repository variable; grant it the roles listed in terraform/README.md on the stack's projects."
  value       = google_service_account.terraform.email
}
