SELECT 1 FROM public_warning WHERE state = 'active' AND expires_at <= now() LIMIT 1
