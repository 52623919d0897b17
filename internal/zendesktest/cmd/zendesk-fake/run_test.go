package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// lockedBuffer is an io.Writer the fake's request goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type fake struct {
	lines  []string
	url    string
	stderr *lockedBuffer
	client *http.Client
	stop   func() error
}

// start runs the command until it prints "ready" and returns what it
// printed; stop ends it as SIGINT would and returns run's error.
func start(t *testing.T, args ...string) *fake {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, stderr)
		pw.Close()
		errc <- err
	}()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	f := &fake{stderr: stderr, client: &http.Client{Transport: transport}}
	var once sync.Once
	var runErr error
	f.stop = func() error {
		once.Do(func() {
			cancel()
			runErr = <-errc
		})
		return runErr
	}
	t.Cleanup(func() { _ = f.stop() })

	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		f.lines = append(f.lines, sc.Text())
		if sc.Text() == "ready" {
			break
		}
	}
	if len(f.lines) == 0 || f.lines[len(f.lines)-1] != "ready" {
		t.Fatalf("no ready line; output %q, run: %v", f.lines, f.stop())
	}
	// Keep draining so a stray write could never block the command.
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	f.url = strings.TrimPrefix(f.lines[0], "ZENDESK_URL=")
	return f
}

func (f *fake) get(t *testing.T, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := zendesktest.DefaultEmail + "/token:" + zendesktest.DefaultAPIToken
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(creds)))
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestRunAnnouncesAndServes(t *testing.T) {
	f := start(t, "-addr", "127.0.0.1:0")
	if !regexp.MustCompile(`^ZENDESK_URL=http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(f.lines[0]) {
		t.Errorf("first line = %q", f.lines[0])
	}
	want := []string{
		"ZENDESK_EMAIL=admin@example.com",
		"ZENDESK_API_TOKEN=fake-api-token-0123456789",
		"user 1001 ana@example.com Ana Lima",
		"user 1002 ben@example.com Ben Okafor",
		"user 1003 chloe@example.com Chloé Martin",
		"ready",
	}
	if !slices.Equal(f.lines[1:], want) {
		t.Errorf("output =\n%s\nwant\n%s", strings.Join(f.lines[1:], "\n"), strings.Join(want, "\n"))
	}

	resp := f.get(t, "/api/v2/users/1002/identities.json")
	var body struct {
		Identities []struct {
			ID    int64  `json:"id"`
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"identities"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	var types []string
	for _, i := range body.Identities {
		types = append(types, i.Type)
	}
	if !slices.Equal(types, []string{"email", "phone_number", "messaging"}) || body.Identities[0].ID != 50002 {
		t.Errorf("Ben's identities = %+v", body.Identities)
	}

	var ben struct {
		Users []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"users"`
	}
	resp = f.get(t, "/api/v2/users/show_many?external_ids="+benExternalID)
	if err := json.NewDecoder(resp.Body).Decode(&ben); err != nil || len(ben.Users) != 1 || ben.Users[0].ID != 1002 {
		t.Errorf("users with external id %s: %+v, %v", benExternalID, ben.Users, err)
	}

	if err := f.stop(); err != nil {
		t.Errorf("run returned %v after cancel", err)
	}
	if _, err := f.client.Get(f.url + "/api/v2/users/1001/identities"); err == nil {
		t.Error("the fake still serves after shutdown")
	}
	if f.stderr.String() != "" {
		t.Errorf("stderr without -v: %q", f.stderr.String())
	}
}

func TestRunGeneratedUsers(t *testing.T) {
	f := start(t, "-seed=false", "-users", "3")
	want := []string{
		"user 1001 user1@example.com User 1",
		"user 1002 user2@example.com User 2",
		"user 1003 user3@example.com User 3",
		"ready",
	}
	if !slices.Equal(f.lines[3:], want) {
		t.Errorf("users = %q, want %q", f.lines[3:], want)
	}
}

func TestRunRateLimitLatencyAndVerbose(t *testing.T) {
	f := start(t, "-rate-limit", "2", "-rate-limit-window", "1h", "-latency", "1ms", "-v")
	statuses := []int{
		f.get(t, "/api/v2/users/1001/identities").StatusCode,
		f.get(t, "/api/v2/users/1001/identities").StatusCode,
		f.get(t, "/api/v2/users/1001/identities").StatusCode,
	}
	if !slices.Equal(statuses, []int{200, 200, 429}) {
		t.Errorf("statuses = %v", statuses)
	}
	if err := f.stop(); err != nil {
		t.Fatal(err)
	}
	logged := f.stderr.String()
	if strings.Count(logged, "GET /api/v2/users/1001/identities 200") != 2 ||
		!strings.Contains(logged, "GET /api/v2/users/1001/identities 429") {
		t.Errorf("stderr = %q", logged)
	}
	if strings.Contains(logged, zendesktest.DefaultAPIToken) || strings.Contains(logged, "Basic") {
		t.Errorf("stderr holds credentials: %q", logged)
	}
}

// The limiter flag picks a bucket refilled continuously: past the limit,
// Retry-After is the time until one request is free, a minute at most at
// 60 an hour.
func TestRunTokenBucket(t *testing.T) {
	f := start(t, "-rate-limit", "60", "-rate-limit-window", "1h", "-rate-limiter", "bucket", "-other-traffic", "0.3")
	// Other traffic spends one of the 60 as the first request comes.
	for i := range 59 {
		if got := f.get(t, "/api/v2/users/1001/identities").StatusCode; got != 200 {
			t.Fatalf("request %d answered %d", i, got)
		}
	}
	resp := f.get(t, "/api/v2/users/1001/identities")
	if retry, err := strconv.Atoi(resp.Header.Get("Retry-After")); resp.StatusCode != http.StatusTooManyRequests || err != nil || retry < 1 || retry > 60 {
		t.Errorf("past the limit: %d with Retry-After %q, want 429 with 1 to 60", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	cases := [][]string{
		{"-users", "-1"},
		{"-rate-limit", "-1"},
		{"-rate-limit-window", "0s"},
		{"-rate-limiter", "leaky"},
		{"-other-traffic", "1"},
		{"-other-traffic", "-0.1"},
		{"-latency", "-1s"},
		{"-bogus"},
		{"extra"},
		{"-addr", "256.0.0.1:0"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(context.Background(), args, &stdout, io.Discard)
			if err == nil {
				t.Error("run accepted bad flags")
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}
