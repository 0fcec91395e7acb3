"""A program's own hub settings: how people sign in, who administers the hub, TLS.

Copy this file out of the repository (it will hold a secret), fill it in, and name it
when starting the hub; jupyterhub_config.py loads it last, so what is set here wins:

    ALIGNMENT_HUB_PROGRAM_CONFIG=/etc/alignment-hub/program_config.py \\
    ALIGNMENT_HUB_DATA=/srv/alignment-hub ALIGNMENT_HUB_IP=0.0.0.0 ALIGNMENT_HUB_PORT=8000 \\
    ALIGNMENT_KIT_EXPORT_KEY=... \\
      .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Below, the usual choice: the program's identity provider over OpenID Connect
(``pip install oauthenticator``), which also says who is a coach, an analyst or an
admin. Other choices are in JupyterHub's authenticator list (LDAP, GitHub, Azure AD...).
"""

import os

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - JupyterHub provides it

# --- Sign-in through the program's identity provider -----------------------------------
c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.client_id = "alignment-hub"
c.GenericOAuthenticator.client_secret = os.environ["OAUTH_CLIENT_SECRET"]
c.GenericOAuthenticator.oauth_callback_url = "https://coaching.example.org/hub/oauth_callback"
c.GenericOAuthenticator.authorize_url = "https://login.example.org/oauth2/authorize"
c.GenericOAuthenticator.token_url = "https://login.example.org/oauth2/token"
c.GenericOAuthenticator.userdata_url = "https://login.example.org/oauth2/userinfo"
c.GenericOAuthenticator.scope = ["openid", "profile", "groups"]
c.GenericOAuthenticator.username_claim = "preferred_username"

# Who may sign in, and who is what: the identity provider's groups. With manage_groups,
# the hub's "analysts" group (which opens the program export) follows the provider's.
c.GenericOAuthenticator.claim_groups_key = "groups"
c.GenericOAuthenticator.allowed_groups = {"coaches", "analysts"}
c.GenericOAuthenticator.admin_groups = {"hub-admins"}
c.GenericOAuthenticator.manage_groups = True

# --- Or: one system account per coach ----------------------------------------------------
# Coaches sign in with their account's password and each coach's server runs as that
# account, so the operating system itself keeps coaches out of each other's folders.
# The hub must then run as root.
#
#   c.JupyterHub.authenticator_class = "pam"
#   c.JupyterHub.spawner_class = "localprocess"
#   c.Authenticator.allowed_users = {"ana", "ben"}
#   c.JupyterHub.load_groups = {"analysts": {"users": ["priya"]}}

# --- TLS, unless a reverse proxy in front of the hub terminates it ------------------------
# c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/coaching.example.org/fullchain.pem"
# c.JupyterHub.ssl_key = "/etc/letsencrypt/live/coaching.example.org/privkey.pem"
