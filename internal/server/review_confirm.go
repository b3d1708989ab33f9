package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/directory"
	"dadirectory/templates"
)

// "Still correct": the link in a review reminder opens a page that names the entry and asks
// for one press of a button (a POST, so a mail client that opens links to scan them changes
// nothing). The signed link is the authority: no sign-in is needed.

func (s *Server) handleReviewConfirmForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	e, err := s.directory.ReviewLink(r.Context(), token)
	if err != nil {
		return s.reviewLinkNotWorking(w, r, err)
	}
	return s.render(w, r, http.StatusOK, templates.ReviewConfirm(s.base(r), templates.ReviewConfirmPage{Entry: e, Token: token}))
}

func (s *Server) handleReviewConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	e, err := s.directory.ConfirmReview(r.Context(), r.PostForm.Get("token"))
	if err != nil {
		return s.reviewLinkNotWorking(w, r, err)
	}
	return s.render(w, r, http.StatusOK, templates.ReviewConfirm(s.base(r), templates.ReviewConfirmPage{Entry: e, Done: true}))
}

// reviewLinkNotWorking answers a link that was used, expired or is gone (410) or never was
// ours (404), with what to do instead.
func (s *Server) reviewLinkNotWorking(w http.ResponseWriter, r *http.Request, err error) error {
	if errors.Is(err, directory.ErrReviewLinkGone) {
		return s.render(w, r, http.StatusGone, templates.ReviewLinkGone(s.base(r)))
	}
	return err
}
