package server

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"strconv"
	"time"

	"github.com/pquerna/otp"

	"dadirectory/internal/accounts"
	"dadirectory/templates"
)

// Between the password and the code, the session holds who is signing in (not yet signed in):
// the user, their session epoch then, when, where they were going and how they proved it.
const (
	sessionPendingUser  = "pending_uid"
	sessionPendingEpoch = "pending_epoch"
	sessionPendingAt    = "pending_at"
	sessionPendingNext  = "pending_next"
	sessionPendingVia   = "pending_via"
	sessionTOTPSetup    = "totp_setup" // the otpauth:// URL of a key being set up
	sessionVia          = "via"        // how the session's person signed in
)

// pendingFor is how long the second step waits for its code.
const pendingFor = 10 * time.Minute

// viaSSO marks sessions begun through the council's single sign-on: the provider asks its
// own second factor, so the gate below leaves them be.
const viaSSO = "single sign-on"

// beginSignIn follows a proof of the password (or a password link): a person with a second
// factor is asked for a code next; anyone else is signed in, and a person whose role needs a
// factor they have not set up goes to set it up.
func (s *Server) beginSignIn(w http.ResponseWriter, r *http.Request, u accounts.User, via, next string) error {
	ctx := r.Context()
	if u.TwoFactor {
		// A new token here too: whoever fixed a session before gets nothing from it.
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		s.sessions.Put(ctx, sessionPendingUser, u.ID)
		s.sessions.Put(ctx, sessionPendingEpoch, u.Epoch)
		s.sessions.Put(ctx, sessionPendingAt, time.Now().Unix())
		s.sessions.Put(ctx, sessionPendingNext, next)
		s.sessions.Put(ctx, sessionPendingVia, via)
		s.metrics.SignIn("code_asked")
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
		return nil
	}
	s.metrics.SignIn("success")
	if err := s.completeSignIn(r, u, via); err != nil {
		return err
	}
	if s.needsFactor(r, u) {
		next = "/account/two-factor"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// pendingUser is who is between the password and the code, if anyone still is.
func (s *Server) pendingUser(r *http.Request) (int64, bool) {
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, sessionPendingUser)
	at := time.Unix(s.sessions.GetInt64(ctx, sessionPendingAt), 0)
	return id, id != 0 && time.Since(at) < pendingFor
}

func (s *Server) clearPending(r *http.Request) {
	for _, k := range []string{sessionPendingUser, sessionPendingEpoch, sessionPendingAt, sessionPendingNext, sessionPendingVia} {
		s.sessions.Remove(r.Context(), k)
	}
}

// handleSignInCodeForm is the second step of signing in.
func (s *Server) handleSignInCodeForm(w http.ResponseWriter, r *http.Request) error {
	if _, ok := s.pendingUser(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, templates.SignInCode(s.base(r), templates.SignInCodeForm{}))
}

// handleSignInCode checks the code (or recovery code) and completes the sign-in.
func (s *Server) handleSignInCode(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	uid, ok := s.pendingUser(r)
	if !ok {
		s.clearPending(r)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	fail := func(status int, msg string) error {
		f := templates.SignInCodeForm{Errors: []templates.FieldError{{Field: "code", Message: msg}}}
		return s.render(w, r, status, templates.SignInCode(s.base(r), f))
	}
	code := r.PostForm.Get("code")
	if msg := codeProblem(code); msg != "" {
		return fail(http.StatusUnprocessableEntity, msg)
	}
	recovery, err := s.accounts.VerifySecondFactor(ctx, uid, code)
	var throttled *accounts.ThrottledError
	switch {
	case errors.As(err, &throttled):
		s.metrics.SignIn("throttled")
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.Wait.Seconds())+1))
		return fail(http.StatusTooManyRequests, "There have been too many wrong codes. Wait "+strconv.Itoa(throttled.Minutes())+
			" minutes and try again, or ask an administrator to reset your two-factor sign-in.")
	case errors.Is(err, accounts.ErrBadCode):
		s.metrics.SignIn("failed")
		return fail(http.StatusUnauthorized, "That code is not right. Enter the code your app shows now, or a recovery code you have not used.")
	case err != nil:
		return err
	}
	u, found, err := s.accounts.ByID(ctx, uid)
	if err != nil {
		return err
	}
	// Deactivated, or signed out everywhere, since the password step: start again.
	if !found || !u.Active || u.Epoch != s.sessions.GetInt(ctx, sessionPendingEpoch) {
		s.clearPending(r)
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	next, via := safeNext(s.sessions.GetString(ctx, sessionPendingNext)), s.sessions.GetString(ctx, sessionPendingVia)
	s.clearPending(r)
	s.metrics.SignIn("success")
	if err := s.completeSignIn(r, u, via+" and code"); err != nil {
		return err
	}
	if recovery {
		left, err := s.accounts.RecoveryCodesLeft(ctx, u.ID)
		if err != nil {
			return err
		}
		return s.redirectWithFlash(w, r, "/account/security", fmt.Sprintf("You signed in with a recovery code; it will not work again. "+
			"You have %d left. If you have lost your phone, make new recovery codes below once you have set up a new one.", left))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// codeProblem is what is wrong with a typed code before it is checked, or "".
func codeProblem(code string) string {
	switch {
	case code == "":
		return "Enter the code from your authenticator app"
	case len(code) > 32:
		return "A code is 6 digits, or 10 letters and numbers for a recovery code"
	}
	return ""
}

// needsFactor reports whether the signed-in u must set up a second factor before anything
// else: their role needs one, they have none, and they did not come through single sign-on.
func (s *Server) needsFactor(r *http.Request, u accounts.User) bool {
	return !u.TwoFactor && s.cfg.MFARequired(u.Role) && s.sessions.GetString(r.Context(), sessionVia) != viaSSO
}

// factorSetupPaths are the only pages a person who must set up a factor can reach.
var factorSetupPaths = map[string]bool{"/account/two-factor": true, "/account/two-factor/qr.png": true, "/logout": true}

// setupKey is the key being set up in this session, made on first asking.
func (s *Server) setupKey(r *http.Request, u accounts.User, create bool) (*otp.Key, error) {
	ctx := r.Context()
	if raw := s.sessions.GetString(ctx, sessionTOTPSetup); raw != "" {
		return otp.NewKeyFromURL(raw)
	}
	if !create {
		return nil, nil
	}
	key, err := accounts.NewTOTPKey(s.siteName(ctx), u.Email)
	if err != nil {
		return nil, err
	}
	s.sessions.Put(ctx, sessionTOTPSetup, key.URL())
	return key, nil
}

// handleTwoFactorSetupForm shows the key to add to an app, as a QR code and as text.
func (s *Server) handleTwoFactorSetupForm(w http.ResponseWriter, r *http.Request) error {
	u, _ := currentUser(r.Context())
	if u.TwoFactor || s.sessions.GetString(r.Context(), sessionVia) == viaSSO {
		http.Redirect(w, r, "/account/security", http.StatusSeeOther)
		return nil
	}
	key, err := s.setupKey(r, u, true)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.TwoFactorSetup(s.base(r),
		templates.TwoFactorSetupPage{Secret: key.Secret(), Required: s.cfg.MFARequired(u.Role)}))
}

// handleTwoFactorQR draws the key being set up as a QR code, for this session only.
func (s *Server) handleTwoFactorQR(w http.ResponseWriter, r *http.Request) error {
	u, _ := currentUser(r.Context())
	key, err := s.setupKey(r, u, false)
	if err != nil || key == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return nil
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return nil
}

// handleTwoFactorSetup turns the factor on once a code from the app proves it took, and
// shows the recovery codes, once.
func (s *Server) handleTwoFactorSetup(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	u, _ := currentUser(ctx)
	key, err := s.setupKey(r, u, false)
	if err != nil {
		return err
	}
	if u.TwoFactor || key == nil {
		http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
		return nil
	}
	page := templates.TwoFactorSetupPage{Secret: key.Secret(), Required: s.cfg.MFARequired(u.Role)}
	code := r.PostForm.Get("code")
	if msg := codeProblem(code); msg != "" {
		page.Errors = []templates.FieldError{{Field: "code", Message: msg}}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.TwoFactorSetup(s.base(r), page))
	}
	codes, err := s.accounts.EnableTOTP(ctx, u, key.Secret(), code)
	if errors.Is(err, accounts.ErrBadCode) {
		page.Errors = []templates.FieldError{{Field: "code", Message: "That code is not right. Check the app shows this site, then enter the code it shows now."}}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.TwoFactorSetup(s.base(r), page))
	}
	if err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessionTOTPSetup)
	s.log.InfoContext(ctx, "two-factor sign-in turned on", "id", RequestIDFrom(ctx), "user", u.ID)
	return s.render(w, r, http.StatusOK, templates.RecoveryCodes(s.base(r), codes, "Two-factor sign-in is on."))
}

// codeRefused answers a wrong or throttled code on the security page, under the box it was
// typed in.
func (s *Server) codeRefused(w http.ResponseWriter, r *http.Request, field string, err error) error {
	var throttled *accounts.ThrottledError
	switch {
	case errors.As(err, &throttled):
		w.Header().Set("Retry-After", strconv.Itoa(int(throttled.Wait.Seconds())+1))
		return s.renderAccountSecurityStatus(w, r, http.StatusTooManyRequests, "", []templates.FieldError{{Field: field,
			Message: "There have been too many wrong codes. Wait " + strconv.Itoa(throttled.Minutes()) + " minutes and try again."}})
	case errors.Is(err, accounts.ErrBadCode):
		return s.renderAccountSecurityStatus(w, r, http.StatusUnprocessableEntity, "", []templates.FieldError{{Field: field,
			Message: "That code is not right. Enter the code your app shows now."}})
	}
	return err
}

// handleNewRecoveryCodes replaces the person's recovery codes.
func (s *Server) handleNewRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	u, _ := currentUser(ctx)
	if !u.TwoFactor {
		http.Redirect(w, r, "/account/security", http.StatusSeeOther)
		return nil
	}
	code := r.PostForm.Get("code")
	if msg := codeProblem(code); msg != "" {
		return s.renderAccountSecurityStatus(w, r, http.StatusUnprocessableEntity, "", []templates.FieldError{{Field: "code-new", Message: msg}})
	}
	codes, err := s.accounts.NewRecoveryCodes(ctx, u, code)
	if err != nil {
		return s.codeRefused(w, r, "code-new", err)
	}
	return s.render(w, r, http.StatusOK, templates.RecoveryCodes(s.base(r), codes, "New recovery codes made."))
}

// handleTwoFactorOff turns the factor off, for a person whose role does not need one.
func (s *Server) handleTwoFactorOff(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	u, _ := currentUser(ctx)
	if !u.TwoFactor {
		http.Redirect(w, r, "/account/security", http.StatusSeeOther)
		return nil
	}
	code := r.PostForm.Get("code")
	if msg := codeProblem(code); msg != "" {
		return s.renderAccountSecurityStatus(w, r, http.StatusUnprocessableEntity, "", []templates.FieldError{{Field: "code-off", Message: msg}})
	}
	err := s.accounts.DisableTOTP(ctx, u, code, s.cfg.MFARequired(u.Role))
	if errors.Is(err, accounts.ErrFactorRequired) {
		return s.renderAccountSecurityStatus(w, r, http.StatusUnprocessableEntity, "", []templates.FieldError{{Field: "code-new",
			Message: "Your role needs two-factor sign-in, so it cannot be turned off"}})
	}
	if err != nil {
		return s.codeRefused(w, r, "code-off", err)
	}
	s.log.InfoContext(ctx, "two-factor sign-in turned off", "id", RequestIDFrom(ctx), "user", u.ID)
	return s.redirectWithFlash(w, r, "/account/security", "Two-factor sign-in is off. Your recovery codes no longer work.")
}

// handleAdminResetTwoFactor asks, then (confirm=1) takes a person's second factor away.
func (s *Server) handleAdminResetTwoFactor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	if r.PostForm.Get("confirm") != "1" {
		a, err := s.accounts.Get(ctx, v, id)
		if err != nil {
			return err
		}
		if !a.TwoFactor {
			return s.redirectWithFlash(w, r, "/admin/users/"+strconv.FormatInt(id, 10), a.Name+" has no two-factor sign-in to reset.")
		}
		return s.render(w, r, http.StatusOK, templates.AdminResetTwoFactor(s.base(r), a, s.cfg.MFARequired(a.Role)))
	}
	a, err := s.accounts.ResetTwoFactor(ctx, v, id)
	if err != nil {
		return err
	}
	s.logAccountChange(r, "reset two-factor", id)
	if id == v.UserID {
		if err := s.sessions.Destroy(ctx); err != nil {
			return err
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	msg := a.Name + "'s two-factor sign-in is reset and they are signed out everywhere."
	if !a.TwoFactor {
		msg = a.Name + " has no two-factor sign-in to reset."
	}
	return s.redirectWithFlash(w, r, "/admin/users/"+strconv.FormatInt(id, 10), msg)
}
