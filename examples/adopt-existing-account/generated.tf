# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform
resource "zendesk_user_identity" "existing_0" {
  provider             = zendesk
  primary              = true
  request_verification = null
  skip_verify_email    = null
  type                 = "email"
  user_id              = 1001
  value                = "ana@example.com"
  verified             = true
}

import {
  to       = zendesk_user_identity.existing_0
  provider = zendesk
  identity = {
    id      = 50001
    user_id = 1001
  }
}

resource "zendesk_user_identity" "existing_1" {
  provider             = zendesk
  primary              = true
  request_verification = null
  skip_verify_email    = null
  type                 = "email"
  user_id              = 1002
  value                = "ben@example.com"
  verified             = true
}

import {
  to       = zendesk_user_identity.existing_1
  provider = zendesk
  identity = {
    id      = 50002
    user_id = 1002
  }
}

resource "zendesk_user_identity" "existing_2" {
  provider             = zendesk
  primary              = true
  request_verification = null
  skip_verify_email    = null
  type                 = "phone_number"
  user_id              = 1002
  value                = "+15551234567"
  verified             = true
}

import {
  to       = zendesk_user_identity.existing_2
  provider = zendesk
  identity = {
    id      = 50003
    user_id = 1002
  }
}
