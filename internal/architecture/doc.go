// Package architecture holds no code, only a test that keeps the layout DESIGN.md draws: imports
// point one way (cmd -> server -> features -> postgres; templates may read feature types, no
// feature imports server or templates), and the shared vocabulary of editing (internal/edit)
// is the only place that declares a not-found or a conflict.
package architecture
