output "artifact_bucket_name" {
  description = "Name of the artifact bucket."
  value       = google_storage_bucket.artifacts.name
}

output "backup_bucket_name" {
  description = "Name of the exports bucket (in the backup region)."
  value       = google_storage_bucket.backups.name
}

output "docker_repository_id" {
  description = "ID of the Artifact Registry Docker repository."
  value       = google_artifact_registry_repository.docker.id
}

output "docker_repository_url" {
  description = "Docker registry URL (<region>-docker.pkg.dev/<project>/<repo>)."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.docker.repository_id}"
}
