# The demo: identities of three users, managed by Terraform.
#
# `make demo` runs this configuration against the bundled fake Zendesk. It
# runs unchanged against a real account: see README.md beside this file.

terraform {
  # Import blocks with expressions need 1.6, removed blocks 1.7.
  required_version = ">= 1.7"

  required_providers {
    zendesk = {
      source = "tfzendesk/zendesk"
    }
  }
}

# The account and the credentials come from the ZENDESK_* environment
# variables.
provider "zendesk" {}

variable "ana_user_id" {
  description = "Id of the first user (Ana Lima in the fake Zendesk)."
  type        = number
}

variable "ben_user_id" {
  description = "Id of the second user (Ben Okafor in the fake Zendesk)."
  type        = number
}

variable "chloe_user_id" {
  description = "Id of the third user (Chloé Martin in the fake Zendesk)."
  type        = number
}

# A work address becomes Ana's primary email: the address she signed up
# with stays, no longer primary. No verification email goes out.
resource "zendesk_user_identity" "ana_work_email" {
  user_id           = var.ana_user_id
  type              = "email"
  value             = "ana.lima@work.example.com"
  primary           = true
  skip_verify_email = true
}

# A phone number the support team has checked: verified from the start.
resource "zendesk_user_identity" "ana_phone" {
  user_id  = var.ana_user_id
  type     = "phone_number"
  value    = "+15550102001"
  verified = true
}

resource "zendesk_user_identity" "ben_twitter" {
  user_id = var.ben_user_id
  type    = "twitter"
  value   = "benokafor"
}

# Chloé is an agent: Zendesk Talk forwards her calls to this number.
resource "zendesk_user_identity" "chloe_forwarding" {
  user_id = var.chloe_user_id
  type    = "agent_forwarding"
  value   = "+15550103003"
}

# Read back what Zendesk holds, after the changes above are applied.
data "zendesk_user_identities" "ana" {
  user_id = var.ana_user_id

  depends_on = [zendesk_user_identity.ana_work_email, zendesk_user_identity.ana_phone]
}

data "zendesk_user_identities" "ben" {
  user_id = var.ben_user_id

  depends_on = [zendesk_user_identity.ben_twitter]
}

output "ana_primary_email" {
  description = "Ana's primary email address, as Zendesk reports it."
  value       = data.zendesk_user_identities.ana.primary_email
}

output "ana_identities" {
  description = "Ana's identities: type, value and flags."
  value       = [for i in data.zendesk_user_identities.ana.identities : "${i.type} ${i.value}${i.primary ? " (primary)" : ""}${i.verified ? " (verified)" : ""}"]
}

output "ben_identities" {
  description = "Ben's identities, including those only Zendesk channels make."
  value       = [for i in data.zendesk_user_identities.ben.identities : "${i.type} ${i.value}${i.primary ? " (primary)" : ""}${i.verified ? " (verified)" : ""}"]
}
