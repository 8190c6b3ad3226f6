output "argocd_internal_ip" {
  description = "Internal address of the Argo CD server (internal passthrough load balancer, port 443)."
  value       = google_compute_address.argocd.address
}

output "argocd_namespace" {
  description = "Namespace Argo CD runs in."
  value       = local.namespace
}

output "external_secrets_service_account" {
  description = "Google service account of the External Secrets Operator."
  value       = google_service_account.external_secrets.email
}

output "stack_values" {
  description = "Values handed to the deploy/stack chart by the root Application."
  value       = local.stack_values
}
