-- +goose Up
-- Council single sign-on (OpenID Connect). A sign-in begun here waits for the provider's
-- answer in a row of its own: the state's digest (the browser holds the state in a cookie),
-- the nonce the ID token must carry, the PKCE verifier and where to go after. It is taken,
-- once, by the callback, so a replayed answer finds nothing; rows older than ten minutes are
-- dead and trimmed as new ones come.
CREATE TABLE sign_in_flows (
    state_hash  bytea PRIMARY KEY CHECK (length(state_hash) = 32),
    nonce       text NOT NULL,
    verifier    text NOT NULL,
    next        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The provider's identity (issuer and subject) an account first signed in with: a later
-- sign-in with the same email but another identity (an address given to someone new) is
-- refused rather than handed the old account.
ALTER TABLE users ADD COLUMN sso_identity text UNIQUE CHECK (length(sso_identity) <= 600);

-- +goose Down
ALTER TABLE users DROP COLUMN sso_identity;
DROP TABLE sign_in_flows;
