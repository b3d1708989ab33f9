package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"dadirectory/internal/accounts"
	"dadirectory/templates"
)

// safeNext keeps a post-sign-in destination only when it is a path on this site: never
// another host ("//evil.example", "/\evil.example", "https://...").
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") ||
		strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") || strings.HasPrefix(next, "/account/two-factor") {
		return "/"
	}
	return next
}

// signInPage is the sign-in page, with the council's single sign-on button when it is on.
func (s *Server) signInPage(r *http.Request, f templates.SignInForm) templ.Component {
	if s.sso != nil {
		f.SSOName = s.sso.Name()
	}
	return templates.SignIn(s.base(r), f)
}

// handleSignInForm shows the sign-in form; a signed-in user goes straight on.
func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := currentUser(r.Context()); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, s.signInPage(r, templates.SignInForm{Next: next}))
}

// handleSignIn checks the email and password. Unknown email and wrong password get the same
// message; repeated failures pause sign-in (accounts.Throttle says which limits), and a burst
// larger than the password hasher can queue is turned away at once.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	form := templates.SignInForm{Email: r.PostForm.Get("email"), Next: safeNext(r.PostForm.Get("next"))}
	password := r.PostForm.Get("password")
	switch {
	case strings.TrimSpace(form.Email) == "":
		form.Errors = append(form.Errors, templates.FieldError{Field: "email", Message: "Enter your email address"})
	case len(form.Email) > 254:
		form.Errors = append(form.Errors, templates.FieldError{Field: "email", Message: "Email address must be 254 characters or fewer"})
	}
	if password == "" {
		form.Errors = append(form.Errors, templates.FieldError{Field: "password", Message: "Enter your password"})
	}
	if len(form.Errors) > 0 {
		return s.render(w, r, http.StatusUnprocessableEntity, s.signInPage(r, form))
	}
	u, err := s.accounts.SignIn(r.Context(), form.Email, password, s.clientAddr(r))
	var throttled *accounts.ThrottledError
	switch {
	case errors.As(err, &throttled):
		s.metrics.SignIn("throttled")
		what := "with this email address"
		if throttled.ByAddress {
			what = "from your network"
		}
		form.Errors = []templates.FieldError{{Field: "email", Message: "There have been too many attempts to sign in " + what + ". Wait " +
			strconv.Itoa(throttled.Minutes()) + " minutes and try again, or ask an administrator to reset your password."}}
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.Wait.Seconds())+1))
		return s.render(w, r, http.StatusTooManyRequests, s.signInPage(r, form))
	case errors.Is(err, accounts.ErrBusy):
		s.metrics.SignIn("busy")
		form.Errors = []templates.FieldError{{Field: "email", Message: "Too many people are signing in at this moment. Wait a few seconds and try again."}}
		w.Header().Set("Retry-After", "5")
		return s.render(w, r, http.StatusTooManyRequests, s.signInPage(r, form))
	case errors.Is(err, accounts.ErrBadCredentials):
		s.metrics.SignIn("failed")
		form.Errors = []templates.FieldError{{Field: "email", Message: "Enter a correct email address and password. The password is case-sensitive."}}
		return s.render(w, r, http.StatusUnauthorized, s.signInPage(r, form))
	case err != nil:
		return err
	}
	return s.beginSignIn(w, r, u, "password", form.Next)
}

// completeSignIn makes the request's session u's, however they proved who they are: a new
// token (a session fixed before it is not carried over), the user, the account's session
// epoch and a session row of its own (user_sessions), which /account/security lists.
func (s *Server) completeSignIn(r *http.Request, u accounts.User, via string) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	sid, err := s.accounts.StartSession(ctx, u.ID, r.UserAgent())
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionEpoch, u.Epoch)
	s.sessions.Put(ctx, sessionID, sid)
	s.sessions.Put(ctx, sessionVia, via)
	s.log.InfoContext(ctx, "signed in", "id", RequestIDFrom(ctx), "user", u.ID, "role", string(u.Role), "via", via)
	return nil
}

// handleSignOut ends the session in the store, so a copied cookie stops working too.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if u, ok := currentUser(r.Context()); ok {
		if err := s.accounts.SignOut(r.Context(), u); err != nil {
			return err
		}
		if err := s.accounts.EndSession(r.Context(), s.sessions.GetString(r.Context(), sessionID)); err != nil {
			return err
		}
		s.log.InfoContext(r.Context(), "signed out", "id", RequestIDFrom(r.Context()), "user", u.ID)
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
