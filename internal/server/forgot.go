package server

import (
	"net/http"
	"strings"

	"dadirectory/templates"
)

// "Forgot your password?": the person gives their email address and, if an account uses it,
// is emailed a link (accounts.RequestReset). Everyone gets the same answer, so the page does
// not tell who has an account.

func (s *Server) handleForgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.Forgot(s.base(r), templates.ForgotPage{MailOff: !s.outbox.On()}))
}

func (s *Server) handleForgot(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	page := templates.ForgotPage{Email: strings.TrimSpace(r.PostForm.Get("email")), MailOff: !s.outbox.On()}
	switch {
	case page.MailOff:
		return s.render(w, r, http.StatusOK, templates.Forgot(s.base(r), page))
	case page.Email == "":
		page.Errors = []templates.FieldError{{Field: "email", Message: "Enter the email address you sign in with"}}
	case len(page.Email) > 254:
		page.Errors = []templates.FieldError{{Field: "email", Message: "Email address must be 254 characters or fewer"}}
	}
	if len(page.Errors) > 0 {
		return s.render(w, r, http.StatusUnprocessableEntity, templates.Forgot(s.base(r), page))
	}
	if err := s.accounts.RequestReset(r.Context(), page.Email, s.clientAddr(r)); err != nil {
		return err
	}
	page.Sent = true
	return s.render(w, r, http.StatusOK, templates.Forgot(s.base(r), page))
}
