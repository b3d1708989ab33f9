package server

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"dadirectory/internal/access"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// newAppMFA is an app with the default second-factor requirement (admins and RSL officers).
func newAppMFA(t *testing.T) *app {
	t.Helper()
	pool := pgtest.New(t)
	if _, err := seed.Demo(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return startAppWith(t, pool, map[string]string{"MFA_REQUIRED_ROLES": "admin,rsl_officer"})
}

// passwordStep signs in with the password alone and returns where the app sent the person.
func passwordStep(t *testing.T, a *app, email string) (*user, string) {
	t.Helper()
	u := a.visitor()
	u.Email = email
	resp, body := u.post(t, "/login", url.Values{"email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password step: %d\n%.500s", resp.StatusCode, body)
	}
	return u, resp.Header.Get("Location")
}

var (
	setupKeyRE     = regexp.MustCompile(`<code class="setup-key">([A-Z2-7 ]+)</code>`)
	recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>`)
)

// codeAt is the app's code for secret in the time step of at.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol sets up a factor as a person would, from the page's key, and returns the key, the
// code it was confirmed with and the recovery codes shown.
func enrol(t *testing.T, u *user) (secret, used string, codes []string) {
	t.Helper()
	resp, body := u.get(t, "/account/two-factor")
	m := setupKeyRE.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("setup page: %d, key shown: %v", resp.StatusCode, m != nil)
	}
	secret = strings.ReplaceAll(m[1], " ", "")
	resp, body = u.get(t, "/account/two-factor/qr.png")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("QR code: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if img, err := png.Decode(bytes.NewReader([]byte(body))); err != nil || img.Bounds().Dx() != 200 {
		t.Fatalf("QR code is not a 200 px PNG: %v", err)
	}
	// A wrong code is refused and turns nothing on.
	if resp, _ := u.post(t, "/account/two-factor", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong setup code: %d", resp.StatusCode)
	}
	used = codeAt(t, secret, time.Now())
	resp, body = u.post(t, "/account/two-factor", url.Values{"code": {used}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setup with the right code: %d", resp.StatusCode)
	}
	for _, m := range recoveryCodeRE.FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	return secret, used, codes
}

// An admin (a role that needs a second factor) is taken to set one up before anything else;
// once it is on, signing in asks for a code, which works once; a recovery code works once.
func TestTwoFactorRequiredSetUpAndUsed(t *testing.T) {
	t.Parallel()
	a := newAppMFA(t)
	id, email := a.createUser(t, access.Admin, "")
	u, to := passwordStep(t, a, email)
	if to != "/account/two-factor" {
		t.Fatalf("an admin without a factor went to %q, want the setup page", to)
	}
	for _, path := range []string{"/", "/admin/users", "/account/security", "/directory?q=refuge"} {
		if resp, _ := u.get(t, path); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/two-factor" {
			t.Errorf("GET %s before setting up: %d to %q, want the setup page", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := u.post(t, "/admin/users/1/sessions", url.Values{"confirm": {"1"}}); resp.Header.Get("Location") != "/account/two-factor" {
		t.Errorf("a post before setting up went to %q", resp.Header.Get("Location"))
	}
	secret, used, codes := enrol(t, u)
	if resp, _ := u.get(t, "/admin/users"); resp.StatusCode != http.StatusOK {
		t.Fatalf("admin pages after setting up: %d", resp.StatusCode)
	}
	var stored int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, id).Scan(&stored); err != nil || stored != 10 {
		t.Fatalf("recovery codes stored: %d (%v)", stored, err)
	}
	for _, c := range codes {
		var plain bool
		if err := a.pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE encode(hash, 'escape') LIKE '%' || $1 || '%')`,
			c).Scan(&plain); err != nil || plain {
			t.Fatalf("a recovery code is stored as typed")
		}
	}

	// Signing in again: the password alone signs nobody in.
	u2, to := passwordStep(t, a, email)
	if to != "/login/code" {
		t.Fatalf("sign-in with a factor went to %q, want /login/code", to)
	}
	if resp, _ := u2.get(t, "/admin/users"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Fatalf("between password and code: %d to %q, want signing in", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := u2.get(t, "/login/code")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="code"`) || !strings.Contains(body, `autocomplete="one-time-code"`) {
		t.Fatalf("code step: %d", resp.StatusCode)
	}
	// The code used to set up is spent: its time step cannot be used again.
	if resp, _ := u2.post(t, "/login/code", url.Values{"code": {used}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a spent code: %d, want 401", resp.StatusCode)
	}
	next := codeAt(t, secret, time.Now().Add(30*time.Second))
	if resp, _ := u2.post(t, "/login/code", url.Values{"code": {next[:3] + " " + next[3:]}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("the next code: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := u2.get(t, "/admin/users"); resp.StatusCode != http.StatusOK {
		t.Fatalf("signed in with a code: %d", resp.StatusCode)
	}
	// The same code again, from another browser: refused.
	u3, _ := passwordStep(t, a, email)
	if resp, _ := u3.post(t, "/login/code", url.Values{"code": {next}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a code used again: %d, want 401", resp.StatusCode)
	}
	// A recovery code signs in once, typed in capitals without its dash, and says how many are left.
	typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", ""))
	resp, _ = u3.post(t, "/login/code", url.Values{"code": {typed}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/security" {
		t.Fatalf("recovery code: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := u3.get(t, "/account/security"); !strings.Contains(body, "You have 9 left") {
		t.Errorf("the security page does not say 9 recovery codes are left")
	}
	u4, _ := passwordStep(t, a, email)
	if resp, _ := u4.post(t, "/login/code", url.Values{"code": {codes[3]}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a used recovery code: %d, want 401", resp.StatusCode)
	}
	// A required factor cannot be turned off.
	if resp, _ := u3.post(t, "/account/two-factor/off", url.Values{"code": {codes[4]}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("turning off a required factor: %d, want 422", resp.StatusCode)
	}
	var on bool
	if err := a.pool.QueryRow(context.Background(), `SELECT totp_secret IS NOT NULL FROM users WHERE id = $1`, id).Scan(&on); err != nil || !on {
		t.Errorf("the required factor was turned off (%v)", err)
	}
}

// A role that needs no factor signs in with the password alone, may turn one on at
// /account/security, make new recovery codes and turn it off, each with a code.
func TestTwoFactorOptionalForOthers(t *testing.T) {
	t.Parallel()
	a := newAppMFA(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	u, to := passwordStep(t, a, email)
	if to != "/" {
		t.Fatalf("housing staff went to %q, want /", to)
	}
	if _, body := u.get(t, "/account/security"); !strings.Contains(body, `href="/account/two-factor"`) {
		t.Fatal("the security page offers no two-factor set-up")
	}
	secret, _, old := enrol(t, u)
	at := time.Now().Add(30 * time.Second)
	resp, body := u.post(t, "/account/two-factor/recovery-codes", url.Values{"code": {codeAt(t, secret, at)}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("new recovery codes: %d", resp.StatusCode)
	}
	fresh := recoveryCodeRE.FindAllStringSubmatch(body, -1)
	if len(fresh) != 10 || fresh[0][1] == old[0] {
		t.Fatalf("new recovery codes: %d shown", len(fresh))
	}
	if resp, _ := u.post(t, "/account/two-factor/off", url.Values{"code": {"123456"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("turning off with a wrong code: %d", resp.StatusCode)
	}
	// The old codes stopped working: one of them cannot turn the factor off.
	if resp, _ := u.post(t, "/account/two-factor/off", url.Values{"code": {old[0]}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("an old recovery code: %d", resp.StatusCode)
	}
	// Its app's codes of this minute are spent; a new recovery code does it.
	resp, _ = u.post(t, "/account/two-factor/off", url.Values{"code": {fresh[1][1]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("turning off: %d", resp.StatusCode)
	}
	if _, to := passwordStep(t, a, email); to != "/" {
		t.Fatalf("after turning off, sign-in went to %q", to)
	}
}

// Wrong codes sent at once are counted one by one: of 30 parallel guesses only 5 are checked.
func TestTwoFactorParallelGuessesAreCountedOneByOne(t *testing.T) {
	t.Parallel()
	a := newAppMFA(t)
	id, email := a.createUser(t, access.HousingStaff, "")
	if _, err := a.pool.Exec(context.Background(), `UPDATE users SET totp_secret = $2 WHERE id = $1`, id, hostileTOTPSecret); err != nil {
		t.Fatal(err)
	}
	u, to := passwordStep(t, a, email)
	if to != "/login/code" {
		t.Fatalf("went to %q", to)
	}
	right := codeAt(t, hostileTOTPSecret, time.Now())
	const n = 30
	answers := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			guess := strconv.Itoa(100000 + i*7919)
			if guess == right {
				guess = "999999"
			}
			resp, _ := u.post(t, "/login/code", url.Values{"code": {guess}})
			answers <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(answers)
	count := map[int]int{}
	for c := range answers {
		count[c]++
	}
	t.Logf("%d parallel code guesses: %d checked (401), %d refused unchecked (429)", n, count[http.StatusUnauthorized], count[http.StatusTooManyRequests])
	if count[http.StatusUnauthorized] != 5 || count[http.StatusTooManyRequests] != n-5 {
		t.Errorf("answers %v: want exactly 5 checked and %d refused", count, n-5)
	}
	// Even the right code waits now.
	if resp, _ := u.post(t, "/login/code", url.Values{"code": {right}}); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("the right code while throttled: %d", resp.StatusCode)
	}
}

// A password link proves the email, not the phone: a person with a factor is asked for a
// code after choosing a new password. An admin's reset takes the factor away and ends every
// session; the person, an RSL officer, sets a new one up at the next sign-in.
func TestTwoFactorAfterPasswordLinkAndAdminReset(t *testing.T) {
	t.Parallel()
	a := newAppMFA(t)
	id, email := a.createUser(t, access.RSLOfficer, matrixOrg)
	u, to := passwordStep(t, a, email)
	if to != "/account/two-factor" {
		t.Fatalf("an RSL officer without a factor went to %q", to)
	}
	enrol(t, u)

	admin := a.visitor()
	adminID, adminEmail := a.createUser(t, access.Admin, "")
	if _, err := a.pool.Exec(context.Background(), `UPDATE users SET totp_secret = $2 WHERE id = $1`, adminID, hostileTOTPSecret); err != nil {
		t.Fatal(err)
	}
	admin, _ = passwordStep(t, a, adminEmail)
	if resp, _ := admin.post(t, "/login/code", url.Values{"code": {codeAt(t, hostileTOTPSecret, time.Now())}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin code: %d", resp.StatusCode)
	}

	// The password link: a new password, then the code step.
	resp, body := admin.post(t, "/admin/users/"+strconv.FormatInt(id, 10)+"/reset", nil)
	m := regexp.MustCompile(`/account/setup\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("reset link: %d", resp.StatusCode)
	}
	v := a.visitor()
	v.get(t, "/account/setup?token="+m[1])
	resp, _ = v.post(t, "/account/setup", url.Values{"token": {m[1]}, "password": {"a brand new passphrase for tests"}, "confirm": {"a brand new passphrase for tests"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login/code" {
		t.Fatalf("after a password link: %d to %q, want the code step", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := v.get(t, "/my/organisation"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Fatalf("a password link alone signed the person in: %d", resp.StatusCode)
	}

	// The admin resets the factor: asked first, then done.
	target := "/admin/users/" + strconv.FormatInt(id, 10) + "/two-factor"
	resp, body = admin.post(t, target, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "every session of") {
		t.Fatalf("reset asks: %d", resp.StatusCode)
	}
	if resp, _ := admin.post(t, target, url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	var secret *string
	var codes int
	if err := a.pool.QueryRow(context.Background(), `SELECT totp_secret, (SELECT count(*) FROM recovery_codes WHERE user_id = $1)
		FROM users WHERE id = $1`, id).Scan(&secret, &codes); err != nil || secret != nil || codes != 0 {
		t.Fatalf("after the reset: secret kept %v, %d recovery codes (%v)", secret != nil, codes, err)
	}
	if resp, _ := u.get(t, "/my/organisation"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?") {
		t.Errorf("the person's session outlived the reset: %d", resp.StatusCode)
	}
	var audited int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'auth.two_factor_off' AND entity_id = $1 AND actor_id = $2`,
		id, adminID).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("reset audited %d times (%v)", audited, err)
	}
	u.Email = email
	v.Email = email
	resp, _ = v.post(t, "/login", url.Values{"email": {email}, "password": {"a brand new passphrase for tests"}})
	if resp.Header.Get("Location") != "/account/two-factor" {
		t.Errorf("after the reset, sign-in went to %q, want setting up again", resp.Header.Get("Location"))
	}
}
