# Stop managing Ben's sign-up address without deleting it: it is how he
# signs in, and it was there before Terraform. `make demo` puts this file in
# place of import.tf before destroying the rest.

removed {
  from = zendesk_user_identity.ben_email

  lifecycle {
    destroy = false
  }
}
