package server

import "net/http"

// Placeholder handlers: being written.
func (s *Server) handleMyChampion(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
func (s *Server) handleMyChampionUpdate(w http.ResponseWriter, r *http.Request) error {
	return errPageNotFound
}
