package zendesk

import (
	"encoding/base64"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// redactedText stands for a credential in what the client quotes.
const redactedText = "<redacted>"

// redactor keeps credentials out of what the client quotes from an answer:
// an error's body, code, description, details and Location, and the
// response bodies it logs. Zendesk does not echo a request, but a proxy, a
// gateway or a host that is not the account's API may, Authorization header
// and all. The redactor hides every credential it was given or saw the
// client send, and any value that reads like a credential: after an
// Authorization header's name, after Basic or Bearer, or under a key such
// as access_token, client_secret or password.
type redactor struct {
	mu      sync.Mutex
	secrets []string
}

func (r *redactor) String() string   { return "redactor(<redacted>)" }
func (r *redactor) GoString() string { return r.String() }

// newRedactor returns a redactor that knows secrets from the start.
func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	r.learn(secrets...)
	return r
}

// learn adds secrets; empty ones and those it knows are skipped.
func (r *redactor) learn(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if s != "" && !slices.Contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	// Longest first, so that a secret inside another (a token inside its
	// header) does not leave the rest of the longer one behind.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
}

// learnAuthorization adds the credentials of an Authorization header: the
// header's value, its credential, and for basic authentication the
// decoded "user:password" and its password (an API token).
func (r *redactor) learnAuthorization(header string) {
	r.mu.Lock()
	known := slices.Contains(r.secrets, header)
	r.mu.Unlock()
	if known {
		return
	}
	secrets := []string{header}
	scheme, credential, ok := strings.Cut(header, " ")
	if ok {
		secrets = append(secrets, credential)
		if strings.EqualFold(scheme, "Basic") {
			if raw, err := base64.StdEncoding.DecodeString(credential); err == nil {
				_, password, _ := strings.Cut(string(raw), ":")
				secrets = append(secrets, string(raw), password,
					strings.TrimRight(base64.URLEncoding.EncodeToString(raw), "="))
			}
		}
	}
	r.learn(secrets...)
}

var (
	// headerValue is an Authorization-like header or field and its value,
	// as a proxy echoing the request might print it: "Authorization: Basic
	// ...", "authorization": "Bearer ...", Cookie: ....
	headerValue = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|x-api-key|cookie)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\r\n&]+)`)
	// schemeCredential is a credential after its scheme, wherever it is.
	// Tokens are long: shorter words after "Basic" are prose.
	schemeCredential = regexp.MustCompile(`(?i)\b(basic|bearer)(\s+)[A-Za-z0-9\-._~+/]{16,}=*`)
	// keyedSecret is a value under a key that names a credential, in JSON,
	// a form or a query: "access_token":"...", client_secret=....
	keyedSecret = regexp.MustCompile(`(?i)(\b(?:access_token|refresh_token|id_token|client_secret|api_token|password|token)["']?\s*[:=]\s*["']?)([^"'\s&,;}]+)`)
)

// text returns s with every credential replaced by redactedText.
func (r *redactor) text(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.Lock()
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, redactedText)
	}
	r.mu.Unlock()
	s = headerValue.ReplaceAllString(s, "${1}${2}"+redactedText)
	s = schemeCredential.ReplaceAllString(s, "${1}${2}"+redactedText)
	return keyedSecret.ReplaceAllString(s, "${1}"+redactedText)
}
