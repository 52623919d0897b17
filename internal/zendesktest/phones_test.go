package zendesktest

import (
	"net/http"
	"testing"
)

func TestPhoneNumbers_storedAsSentByDefault(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	got := c.createIdentity(ana.ID, map[string]any{"type": "phone_number", "value": "(555) 010-0200"})
	if got.Value != "(555) 010-0200" {
		t.Errorf("value = %q, want it as sent", got.Value)
	}
}

func TestPhoneNumbers_formattedAsDirectLines(t *testing.T) {
	srv, c := newTestServer(t, Options{FormatPhoneNumbers: true})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	for _, tc := range []struct{ typ, sent, stored string }{
		{"phone_number", "(555) 010-0200", "+15550100200"},
		{"phone_number", "+1 555-010-0300", "+15550100300"},
		{"agent_forwarding", "+44 20 7946 0958", "+442079460958"},
		{"phone_number", "+15550100400", "+15550100400"},
		// Not ten digits: no country code can be guessed.
		{"phone_number", "020 7946 0959", "02079460959"},
	} {
		if got := c.createIdentity(ana.ID, map[string]any{"type": tc.typ, "value": tc.sent}); got.Value != tc.stored {
			t.Errorf("%s %q stored as %q, want %q", tc.typ, tc.sent, got.Value, tc.stored)
		}
	}

	// The formatted number is the one that must be unique.
	resp := c.do(http.MethodPost, identitiesPath(ana.ID), identityBody(map[string]any{"type": "phone_number", "value": "555 010 0200"}))
	assertRecordInvalid(t, resp.want(t, http.StatusUnprocessableEntity), "value", "DuplicateValue",
		"Value: +15550100200 is already being used by another user")

	// An update is formatted too; a value formatted to what it was is no change.
	phone := c.createIdentity(ana.ID, map[string]any{"type": "phone_number", "value": "+15550100500"})
	updated := c.do(http.MethodPut, identityPath(ana.ID, phone.ID), identityBody(map[string]any{"value": "+1 (555) 010-0600"})).
		want(t, http.StatusOK).identity(t)
	if updated.Value != "+15550100600" {
		t.Errorf("updated value = %q, want +15550100600", updated.Value)
	}
	if stored, _ := srv.Identity(phone.ID); stored.Value != "+15550100600" {
		t.Errorf("store holds %q", stored.Value)
	}
}

func TestPhoneNumbers_validatedAsE164(t *testing.T) {
	srv, c := newTestServer(t, Options{ValidatePhoneNumbers: true, FormatPhoneNumbers: true})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	for _, value := range []string{"+1 555 010 0200", "555-010-0200", "15550100200", "+015550100200", "+1234567890123456"} {
		resp := c.do(http.MethodPost, identitiesPath(ana.ID), identityBody(map[string]any{"type": "phone_number", "value": value}))
		if value == "+1234567890123456" {
			// Too long for any phone number: refused by the usual rule.
			assertRecordInvalid(t, resp.want(t, http.StatusUnprocessableEntity), "value", "InvalidValue",
				"Value: "+value+" is not a valid phone number")
			continue
		}
		assertRecordInvalid(t, resp.want(t, http.StatusUnprocessableEntity), "value", "InvalidValue",
			"Value: "+value+" is not a valid phone number: use the E.164 format, such as +15550100200")
	}
	phone := c.createIdentity(ana.ID, map[string]any{"type": "agent_forwarding", "value": "+442079460958"})
	resp := c.do(http.MethodPut, identityPath(ana.ID, phone.ID), identityBody(map[string]any{"value": "+44 20 7946 0959"}))
	assertRecordInvalid(t, resp.want(t, http.StatusUnprocessableEntity), "value", "InvalidValue",
		"Value: +44 20 7946 0959 is not a valid phone number: use the E.164 format, such as +15550100200")
	if stored, _ := srv.Identity(phone.ID); stored.Value != "+442079460958" {
		t.Errorf("a refused update changed the value to %q", stored.Value)
	}
	// Emails are not phone numbers.
	c.createIdentity(ana.ID, map[string]any{"type": "email", "value": "ana.work@example.org"})
}
