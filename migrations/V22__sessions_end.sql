-- Which sessions of a user still stand: a sign-out or a disable counts it up, and a session cookie carrying an earlier
-- number is refused, so a copied cookie does not outlive the sign-out (nor a disabled user's return).
ALTER TABLE users ADD COLUMN session_generation integer NOT NULL DEFAULT 0;
