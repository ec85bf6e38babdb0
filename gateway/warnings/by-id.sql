SELECT * FROM public_warning_wire WHERE id = $1::uuid
