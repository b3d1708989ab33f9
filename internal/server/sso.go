package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/accounts"
	"dadirectory/internal/sso"
	"dadirectory/templates"
)

// ssoCookie holds the state of a council sign-in between leaving for the provider and coming
// back, for those two paths only: the answer must come back to the browser that asked.
const ssoCookie = "sso_state"

func (s *Server) setSSOCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: value, Path: "/login/oidc", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
}

// handleSSOBegin sends the browser to the council's sign-in, remembering where it was going.
func (s *Server) handleSSOBegin(w http.ResponseWriter, r *http.Request) error {
	if s.sso == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return nil
	}
	next := safeNext(r.URL.Query().Get("next"))
	state, to, err := s.sso.Begin(r.Context(), next)
	if errors.Is(err, sso.ErrUnavailable) {
		s.log.WarnContext(r.Context(), "single sign-on provider unreachable", "id", RequestIDFrom(r.Context()), "err", err)
		return s.ssoRefused(w, r, http.StatusServiceUnavailable, next,
			"The council's sign-in service cannot be reached just now. Try again in a few minutes, or sign in with your email and password.")
	}
	if err != nil {
		return err
	}
	s.setSSOCookie(w, state, int(10*60))
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// handleSSOCallback takes the provider's answer: the account its verified email names, with
// the role its groups give, is signed in. The provider asks its own second factor, so this
// site asks none of its own.
func (s *Server) handleSSOCallback(w http.ResponseWriter, r *http.Request) error {
	if s.sso == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return nil
	}
	ctx := r.Context()
	q := r.URL.Query()
	var cookieState string
	if c, err := r.Cookie(ssoCookie); err == nil {
		cookieState = c.Value
	}
	s.setSSOCookie(w, "", -1)
	if q.Get("error") != "" {
		// The provider's own words are not repeated: they are not ours to vouch for.
		s.metrics.SignIn("failed")
		return s.ssoRefused(w, r, http.StatusUnauthorized, "/", "Signing in with your council account did not finish. Try again, or sign in with your email and password.")
	}
	id, next, err := s.sso.Finish(ctx, cookieState, q.Get("state"), q.Get("code"))
	if err != nil {
		s.metrics.SignIn("failed")
		s.log.InfoContext(ctx, "single sign-on refused", "id", RequestIDFrom(ctx), "err", err)
		switch {
		case errors.Is(err, sso.ErrFlow):
			return s.ssoRefused(w, r, http.StatusBadRequest, "/", "That sign-in was not started here, has already been used, or took too long. Start again.")
		case errors.Is(err, sso.ErrUnverifiedEmail):
			return s.ssoRefused(w, r, http.StatusForbidden, "/", "Your council account has no verified email address, so it cannot be matched to an account here. Ask your IT service desk.")
		case errors.Is(err, sso.ErrRejected):
			return s.ssoRefused(w, r, http.StatusUnauthorized, "/", "The council's sign-in service did not confirm who you are. Start again.")
		case errors.Is(err, sso.ErrUnavailable):
			return s.ssoRefused(w, r, http.StatusServiceUnavailable, "/", "The council's sign-in service cannot be reached just now. Try again in a few minutes, or sign in with your email and password.")
		}
		return err
	}
	u, err := s.accounts.SignInSSO(ctx, accounts.SSOIdentity{ID: id.ID, Email: id.Email, Name: id.Name, Role: s.cfg.OIDC.RoleFor(id.Groups)})
	if err != nil {
		s.metrics.SignIn("failed")
		msg := ""
		switch {
		case errors.Is(err, accounts.ErrNoRole):
			msg = "Your council account is not in a group that uses this directory. Ask an administrator to add you."
		case errors.Is(err, accounts.ErrLocalOnly):
			msg = "Your account here signs in with its email and password, below."
		case errors.Is(err, accounts.ErrInactive):
			msg = "Your account here has been deactivated. Ask an administrator."
		case errors.Is(err, accounts.ErrOtherIdentity):
			msg = "Your email address belongs to an account here linked to another council identity. Ask an administrator."
		default:
			return err
		}
		s.log.InfoContext(ctx, "single sign-on refused", "id", RequestIDFrom(ctx), "reason", err)
		return s.ssoRefused(w, r, http.StatusForbidden, "/", msg)
	}
	s.metrics.SignIn("success")
	if err := s.completeSignIn(r, u, viaSSO); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

// ssoRefused answers a council sign-in that did not work with the sign-in page and why.
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, status int, next, msg string) error {
	f := templates.SignInForm{Next: next, Errors: []templates.FieldError{{Field: "sso", Message: msg}}}
	return s.render(w, r, status, s.signInPage(r, f))
}
