"""Guildhall's shared toolkit: domain-free pieces every service uses."""
