# The global address is reserved here so the records exist before the ingress does; the
# GKE ingress references it by name (kubernetes.io/ingress.global-static-ip-name).
resource "google_compute_global_address" "ingress" {
  project = var.project_id
  name    = "${var.name_prefix}-ingress"
  labels  = var.labels
}

resource "google_dns_managed_zone" "this" {
  project     = var.project_id
  name        = "${var.name_prefix}-zone"
  dns_name    = var.domain
  description = "Public zone of the ZenML stack (${var.name_prefix})."
  visibility  = "public"
  labels      = var.labels

  dnssec_config {
    state = "on"
  }
}

resource "google_dns_record_set" "hosts" {
  for_each = toset(var.hostnames)

  project      = var.project_id
  managed_zone = google_dns_managed_zone.this.name
  name         = "${each.key}.${var.domain}"
  type         = "A"
  ttl          = var.record_ttl
  rrdatas      = [google_compute_global_address.ingress.address]
}
