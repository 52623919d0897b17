variable "user_id" {
  description = "Zendesk id of the user."
  type        = number
}

# Every identity of the user, including the ones Terraform does not manage:
# the email the user was created with, and those channels made.
data "zendesk_user_identities" "user" {
  user_id = var.user_id
}

# Only the user's verified email addresses.
data "zendesk_user_identities" "verified_emails" {
  user_id  = var.user_id
  types    = ["email"]
  verified = true
}

output "primary_email" {
  value = data.zendesk_user_identities.user.primary_email
}

output "verified_emails" {
  value = data.zendesk_user_identities.verified_emails.identities[*].value
}

# Identities that messaging and other channels made, grouped by type.
output "channel_identities" {
  value = {
    for identity in data.zendesk_user_identities.user.identities :
    identity.type => identity.value...
    if contains(["any_channel", "foreign", "messaging", "sdk"], identity.type)
  }
}

# Bring the email the user was created with under management, without
# copying its address into the configuration.
import {
  to = zendesk_user_identity.primary_email
  id = "${var.user_id}:email:${data.zendesk_user_identities.user.primary_email}"
}

resource "zendesk_user_identity" "primary_email" {
  user_id = var.user_id
  type    = "email"
  value   = data.zendesk_user_identities.user.primary_email
}
