# A work address made the user's primary email. The address that was
# primary stays, no longer primary. No verification email is sent.
resource "zendesk_user_identity" "work_email" {
  user_id           = 1001
  type              = "email"
  value             = "ana.lima@work.example.com"
  primary           = true
  skip_verify_email = true
}

# A phone number the support team has confirmed: verified from the start.
resource "zendesk_user_identity" "phone" {
  user_id  = 1001
  type     = "phone_number"
  value    = "+15550102001"
  verified = true
}

# An address the user confirms: Zendesk emails a verification link after
# the identity is created and after each change of value.
resource "zendesk_user_identity" "personal_email" {
  user_id              = 1001
  type                 = "email"
  value                = "ana.lima@personal.example.org"
  request_verification = true
}

resource "zendesk_user_identity" "twitter" {
  user_id = 1001
  type    = "twitter"
  value   = "analima"
}

# The address the user was created with. Zendesk made this identity with
# the user, so it is imported (see Import), not created.
resource "zendesk_user_identity" "signup_email" {
  user_id = 1001
  type    = "email"
  value   = "ana@example.com"
}
