output "zone_name" {
  description = "Name of the managed zone."
  value       = google_dns_managed_zone.this.name
}

output "name_servers" {
  description = "Name servers to delegate the domain to."
  value       = google_dns_managed_zone.this.name_servers
}

output "ingress_address_name" {
  description = "Name of the reserved global address for the GKE ingress."
  value       = google_compute_global_address.ingress.name
}

output "ingress_address" {
  description = "The reserved global IP address."
  value       = google_compute_global_address.ingress.address
}

output "fqdns" {
  description = "Fully qualified names of the records."
  value       = [for r in google_dns_record_set.hosts : r.name]
}
