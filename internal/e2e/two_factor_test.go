package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"dadirectory/internal/access"
)

// TestTwoFactorInTheBrowser: an admin (a role that needs two-factor sign-in) signs in, is
// taken to set it up, scans nothing but types the key's code, saves the recovery codes, and
// next time is asked for a code on a second page. Every page passes axe.
func TestTwoFactorInTheBrowser(t *testing.T) {
	a := newAppWith(t, map[string]string{"MFA_REQUIRED_ROLES": "admin,rsl_officer"}, nil)
	email, _ := a.createUser(t, access.Admin, "")
	ctx := newTab(t)
	passwordStep := func() {
		t.Helper()
		open(t, ctx, a.URL+"/login")
		do(t, ctx, chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), staffPassword))
		if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`))); got != 200 {
			t.Fatalf("password step: %d", got)
		}
	}
	passwordStep()
	if got := location(t, ctx); got != a.URL+"/account/two-factor" {
		t.Fatalf("an admin without a factor landed on %s, want the set-up page", got)
	}
	if !eval[bool](t, ctx, `document.querySelector('img.qr').complete && document.querySelector('img.qr').naturalWidth === 200`) {
		t.Error("the QR code did not load")
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "two-factor-setup")
	secret := strings.ReplaceAll(text(t, ctx, ".setup-key"), " ", "")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.ID("code"), code))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/account/two-factor"] button`))); got != 200 {
		t.Fatalf("turn on: %d", got)
	}
	if h := text(t, ctx, "h1"); h != "Save your recovery codes" {
		t.Fatalf("after turning on: %q", h)
	}
	if n := len(nodes(t, ctx, ".recovery-codes li")); n != 10 {
		t.Errorf("%d recovery codes shown", n)
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "two-factor-recovery-codes")
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main a.button[href="/"]`))); got != 200 || !signedIn(t, ctx) {
		t.Fatalf("home after saving the codes: %d", got)
	}

	// Next time: the password, then the code.
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`))); got != 200 {
		t.Fatalf("sign out: %d", got)
	}
	passwordStep()
	if got := location(t, ctx); got != a.URL+"/login/code" {
		t.Fatalf("signing in with a factor landed on %s", got)
	}
	if signedIn(t, ctx) {
		t.Fatal("signed in with the password alone")
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "two-factor-code")
	do(t, ctx, chromedp.SendKeys(chromedp.ID("code"), "000000"))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/login/code"] button`))); got != 401 {
		t.Fatalf("a wrong code: %d", got)
	}
	if !strings.Contains(text(t, ctx, ".error-summary"), "That code is not right") {
		t.Error("a wrong code is not explained")
	}
	checkAccessible(t, ctx)
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	eval[bool](t, ctx, `(document.getElementById('code').value = '') === ''`)
	do(t, ctx, chromedp.SendKeys(chromedp.ID("code"), next))
	if got := submitForm(t, ctx, chromedp.Click(chromedp.CSS(`main form[action="/login/code"] button`))); got != 200 || !signedIn(t, ctx) {
		t.Fatalf("the right code: %d, at %s", got, location(t, ctx))
	}
	open(t, ctx, a.URL+"/account/security")
	if !strings.Contains(text(t, ctx, "#two-factor-heading + p"), "You have 10 recovery codes left") {
		t.Errorf("the security page says %q", text(t, ctx, "#two-factor-heading + p"))
	}
	checkAccessible(t, ctx)
	screenshots(t, ctx, "account-security")
}
