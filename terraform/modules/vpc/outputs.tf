output "network_id" {
  description = "ID of the VPC network (projects/<p>/global/networks/<name>)."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "Name of the VPC network."
  value       = google_compute_network.this.name
}

output "network_self_link" {
  description = "Self link of the VPC network."
  value       = google_compute_network.this.self_link
}

output "public_subnet_id" {
  description = "ID of the public subnet."
  value       = google_compute_subnetwork.public.id
}

output "private_subnet_id" {
  description = "ID of the private subnet (GKE nodes)."
  value       = google_compute_subnetwork.private.id
}

output "private_subnet_name" {
  description = "Name of the private subnet (GKE nodes)."
  value       = google_compute_subnetwork.private.name
}

output "pods_range_name" {
  description = "Name of the secondary range for GKE pods."
  value       = google_compute_subnetwork.private.secondary_ip_range[0].range_name
}

output "services_range_name" {
  description = "Name of the secondary range for GKE services."
  value       = google_compute_subnetwork.private.secondary_ip_range[1].range_name
}

output "private_service_access_connection" {
  description = "The Private Service Access peering; Cloud SQL private IP depends on it."
  value       = google_service_networking_connection.private_service_access.id
}
