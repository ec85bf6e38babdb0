SELECT min(expires_at) AS at FROM public_warning WHERE state = 'active'
