package zendesktest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestCreateValidation(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	ben := srv.AddUser("Ben Okafor", "ben@example.com")
	c.createIdentity(ben.ID, map[string]any{"type": "twitter", "value": "BenO"})
	c.createIdentity(ben.ID, map[string]any{"type": "google", "value": "ben@gmail.com"})
	c.createIdentity(ben.ID, map[string]any{"type": "phone_number", "value": "+1 555-123-4567"})

	cases := []struct {
		name  string
		attrs map[string]any
		field string
		code  string
		desc  string
	}{
		{"missing value", map[string]any{"type": "twitter"}, "value", "Blank", "Value: cannot be blank"},
		{"blank value", map[string]any{"type": "twitter", "value": ""}, "value", "Blank", "Value: cannot be blank"},
		{"whitespace value", map[string]any{"type": "email", "value": "   "}, "value", "Blank", "Value: cannot be blank"},
		{"email without @", map[string]any{"type": "email", "value": "ana.example.com"}, "value", "InvalidValue", "Value: ana.example.com is not a valid email address"},
		{"email without domain dot", map[string]any{"type": "email", "value": "ana@example"}, "value", "InvalidValue", "Value: ana@example is not a valid email address"},
		{"email with two @", map[string]any{"type": "email", "value": "a@b@example.com"}, "value", "InvalidValue", "Value: a@b@example.com is not a valid email address"},
		{"email with leading space", map[string]any{"type": "email", "value": " ana2@example.com"}, "value", "InvalidValue", "Value:  ana2@example.com is not a valid email address"},
		{"email with inner space", map[string]any{"type": "email", "value": "ana 2@example.com"}, "value", "InvalidValue", "Value: ana 2@example.com is not a valid email address"},
		{"google malformed", map[string]any{"type": "google", "value": "not-an-email"}, "value", "InvalidValue", "Value: not-an-email is not a valid email address"},
		{"phone with letters", map[string]any{"type": "phone_number", "value": "+1 555-CALL-NOW"}, "value", "InvalidValue", "Value: +1 555-CALL-NOW is not a valid phone number"},
		{"phone too short", map[string]any{"type": "phone_number", "value": "123456"}, "value", "InvalidValue", "Value: 123456 is not a valid phone number"},
		{"phone too long", map[string]any{"type": "phone_number", "value": "+1234567890123456"}, "value", "InvalidValue", "Value: +1234567890123456 is not a valid phone number"},
		{"phone with inner plus", map[string]any{"type": "phone_number", "value": "1+5551234567"}, "value", "InvalidValue", "Value: 1+5551234567 is not a valid phone number"},
		{"phone with trailing space", map[string]any{"type": "phone_number", "value": "+15551234567 "}, "value", "InvalidValue", "Value: +15551234567  is not a valid phone number"},
		{"agent_forwarding malformed", map[string]any{"type": "agent_forwarding", "value": "ext. 42"}, "value", "InvalidValue", "Value: ext. 42 is not a valid phone number"},
		{"twitter with surrounding spaces", map[string]any{"type": "twitter", "value": " ana "}, "value", "InvalidValue", "Value:  ana  is invalid"},
		{"duplicate on another user", map[string]any{"type": "twitter", "value": "BenO"}, "value", "DuplicateValue", "Value: BenO is already being used by another user"},
		{"duplicate on the same user", map[string]any{"type": "email", "value": "ana@example.com"}, "value", "DuplicateValue", "Value: ana@example.com is already being used by another user"},
		{"duplicate email ignores case", map[string]any{"type": "email", "value": "BEN@Example.com"}, "value", "DuplicateValue", "Value: BEN@Example.com is already being used by another user"},
		{"duplicate google ignores case", map[string]any{"type": "google", "value": "Ben@Gmail.com"}, "value", "DuplicateValue", "Value: Ben@Gmail.com is already being used by another user"},
		{"duplicate phone", map[string]any{"type": "phone_number", "value": "+1 555-123-4567"}, "value", "DuplicateValue", "Value: +1 555-123-4567 is already being used by another user"},
		{"missing type", map[string]any{"value": "x"}, "type", "Blank", "Type: cannot be blank"},
		{"nonsense type", map[string]any{"type": "carrier_pigeon", "value": "x"}, "type", "InvalidValue", "Type: carrier_pigeon is not a valid identity type"},
		{"messaging", map[string]any{"type": "messaging", "value": "x"}, "type", "InvalidValue", "Type: messaging identities cannot be created through the API"},
		{"any_channel", map[string]any{"type": "any_channel", "value": "x"}, "type", "InvalidValue", "Type: any_channel identities cannot be created through the API"},
		{"sdk", map[string]any{"type": "sdk", "value": "x"}, "type", "InvalidValue", "Type: sdk identities cannot be created through the API"},
		{"foreign", map[string]any{"type": "foreign", "value": "x"}, "type", "InvalidValue", "Type: foreign identities cannot be created through the API"},
		{"microsoft", map[string]any{"type": "microsoft", "value": "x"}, "type", "InvalidValue", "Type: microsoft identities cannot be created through the API"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.do(http.MethodPost, identitiesPath(ana.ID), identityBody(tc.attrs)).want(t, http.StatusUnprocessableEntity)
			assertRecordInvalid(t, resp, tc.field, tc.code, tc.desc)
		})
	}
	if n := len(srv.Identities(ana.ID)); n != 1 {
		t.Errorf("refused creates left %d identities, want only the email", n)
	}

	valid := []map[string]any{
		{"type": "twitter", "value": "beno"}, // twitter values are case-sensitive
		{"type": "google", "value": "ben@example.com"},
		{"type": "facebook", "value": "855769377321"},
		{"type": "phone_number", "value": "+15551234567"},
		{"type": "phone_number", "value": "(555) 765-4321"},
		{"type": "agent_forwarding", "value": "+44 20 7946 0958"},
		{"type": "email", "value": "ana+tag@sub.example.co.uk"},
	}
	for _, attrs := range valid {
		c.createIdentity(ana.ID, attrs)
	}
}

func assertRecordInvalid(t *testing.T, resp *testResponse, field, code, desc string) {
	t.Helper()
	e := resp.apiError(t)
	if e.Error != "RecordInvalid" || e.Description != "Record validation errors" {
		t.Errorf("body = %s, want RecordInvalid / Record validation errors", resp.Body)
	}
	if len(e.Details) != 1 || len(e.Details[field]) != 1 {
		t.Fatalf("details = %s, want one entry under %q", resp.Body, field)
	}
	if got := e.Details[field][0]; got.Error != code || got.Description != desc {
		t.Errorf("detail = %+v, want %s / %q", got, code, desc)
	}
}

func TestUpdateValidation(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	srv.AddUser("Ben Okafor", "ben@example.com")
	work := c.createIdentity(ana.ID, map[string]any{"type": "email", "value": "ana@work.example", "verified": true})

	cases := []struct {
		name  string
		attrs map[string]any
		field string
		code  string
		desc  string
	}{
		{"blank", map[string]any{"value": ""}, "value", "Blank", "Value: cannot be blank"},
		{"malformed", map[string]any{"value": "ana-at-work"}, "value", "InvalidValue", "Value: ana-at-work is not a valid email address"},
		{"taken by another user", map[string]any{"value": "Ben@example.com"}, "value", "DuplicateValue", "Value: Ben@example.com is already being used by another user"},
		{"taken by the same user", map[string]any{"value": "ana@example.com"}, "value", "DuplicateValue", "Value: ana@example.com is already being used by another user"},
		{"unknown verification method", map[string]any{"verification_method": "magic"}, "verification_method", "InvalidValue", "Verification method: magic is not included in the list"},
		{"valid value, bad method", map[string]any{"value": "ana@new.example", "verification_method": "magic"}, "verification_method", "InvalidValue", "Verification method: magic is not included in the list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := c.do(http.MethodPut, identityPath(ana.ID, work.ID), identityBody(tc.attrs)).want(t, http.StatusUnprocessableEntity)
			assertRecordInvalid(t, resp, tc.field, tc.code, tc.desc)
			got, _ := srv.Identity(work.ID)
			if got.Value != "ana@work.example" || !got.Verified {
				t.Errorf("a refused update changed the identity: %+v", got)
			}
		})
	}

	// Changing only the case of one's own address is not a duplicate.
	c.do(http.MethodPut, identityPath(ana.ID, work.ID), identityBody(map[string]any{"value": "Ana@Work.example"})).want(t, http.StatusOK)
}

func TestRequestBodyErrors(t *testing.T) {
	srv, c := newTestServer(t, Options{})
	ana := srv.AddUser("Ana Lima", "ana@example.com")
	email := srv.Identities(ana.ID)[0]
	cases := []struct {
		name        string
		body        string
		contentType string
	}{
		{"malformed JSON", `{"identity":`, "application/json"},
		{"not an object", `[1,2]`, "application/json"},
		{"missing wrapper", `{"type":"twitter","value":"ana"}`, "application/json"},
		{"null wrapper", `{"identity":null}`, "application/json"},
		{"wrong attribute type", `{"identity":{"type":"twitter","value":42}}`, "application/json"},
		{"trailing data", `{"identity":{"type":"twitter","value":"ana"}} {}`, "application/json"},
		{"empty body", ``, "application/json"},
		{"form encoded", `identity[type]=twitter&identity[value]=ana`, "application/x-www-form-urlencoded"},
		{"no content type", `{"identity":{"type":"twitter","value":"ana"}}`, ""},
	}
	for _, tc := range cases {
		for _, target := range []struct{ method, path string }{
			{http.MethodPost, identitiesPath(ana.ID)},
			{http.MethodPut, identityPath(ana.ID, email.ID)},
		} {
			t.Run(tc.name+" "+target.method, func(t *testing.T) {
				req, err := http.NewRequest(target.method, srv.URL()+target.path, strings.NewReader(tc.body))
				if err != nil {
					t.Fatal(err)
				}
				if tc.contentType != "" {
					req.Header.Set("Content-Type", tc.contentType)
				}
				req.Header.Set("Authorization", c.authz)
				resp, err := c.http.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("status = %d, want 400", resp.StatusCode)
				}
				if ct := resp.Header.Get("Content-Type"); ct != jsonContentType {
					t.Errorf("Content-Type = %q", ct)
				}
				var e wireError
				if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || e.Error != "InvalidJSON" || e.Description == "" {
					t.Errorf("body = %+v (%v), want InvalidJSON with a description", e, err)
				}
			})
		}
	}
	if n := len(srv.Identities(ana.ID)); n != 1 {
		t.Errorf("bad bodies created identities: %d", n)
	}
}
