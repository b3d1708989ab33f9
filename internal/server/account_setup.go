package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/accounts"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// The page a one-time link opens: the person chooses a password, and is signed in. The token
// comes in the query string, never in a path (paths are logged), and is moved at once into a
// cookie of its own for this page only, the page reloading without it: it does not stay in the
// address bar or the browser's history, and the database still holds only its digest (a
// session would store it). It goes back in the form body, and is never written to a log or
// the audit trail.

// setupCookie carries a link's token from opening the link to choosing the password.
const setupCookie = "setup_token"

func (s *Server) handleAccountSetupForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if token := r.URL.Query().Get("token"); token != "" {
		if !accounts.PlausibleToken(token) { // cut short, or not a token: nothing to keep
			return s.linkNotWorking(w, r, accounts.ErrLinkUnknown)
		}
		s.setSetupCookie(w, token, 3600)
		http.Redirect(w, r, accounts.SetupPath, http.StatusSeeOther)
		return nil
	}
	var token string
	if c, err := r.Cookie(setupCookie); err == nil {
		token = c.Value
	}
	link, err := s.accounts.LookupLink(ctx, token)
	if err != nil {
		return s.linkNotWorking(w, r, err)
	}
	return s.render(w, r, http.StatusOK, templates.AccountSetup(s.base(r), templates.AccountSetupPage{Link: link, Token: token}))
}

func (s *Server) handleAccountSetup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	f := r.PostForm
	token := f.Get("token")
	u, err := s.accounts.CompletePassword(ctx, token, f.Get("password"), f.Get("confirm"))
	var invalid validate.Errors
	switch {
	case errors.As(err, &invalid):
		link, err := s.accounts.LookupLink(ctx, token)
		if err != nil {
			return s.linkNotWorking(w, r, err)
		}
		page := templates.AccountSetupPage{Link: link, Token: token, Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AccountSetup(s.base(r), page))
	case err != nil:
		return s.linkNotWorking(w, r, err)
	}
	// Signed in as the account's owner, with a new token: whoever used this browser before
	// (even another signed-in user) is not carried over. A link proves the email, not the
	// second factor: a person with one is asked for a code next.
	s.setSetupCookie(w, "", -1)
	return s.beginSignIn(w, r, u, "password link", "/")
}

// linkNotWorking answers a link that does not work: 410 when it existed (used, expired,
// replaced), 404 when it never did. Both say to ask an admin for a new one.
func (s *Server) linkNotWorking(w http.ResponseWriter, r *http.Request, err error) error {
	switch {
	case errors.Is(err, accounts.ErrLinkGone):
		return s.render(w, r, http.StatusGone, templates.AccountLinkGone(s.base(r), true))
	case errors.Is(err, accounts.ErrLinkUnknown):
		return s.render(w, r, http.StatusNotFound, templates.AccountLinkGone(s.base(r), false))
	}
	return err
}

// setSetupCookie keeps token for the setup page only, for maxAge seconds (-1 removes it). Lax,
// since the link is opened from a mail client, another site.
func (s *Server) setSetupCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: setupCookie, Value: token, Path: accounts.SetupPath, MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
}
