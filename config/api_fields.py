"""Serializer fields every API module uses for text: DRF's own, plus the refusal of control
characters (`config.text`) and of names that are only blanks."""

from __future__ import annotations

from rest_framework import serializers

from config.text import validate_text


class CharField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_text)


class RegexField(serializers.RegexField):
    def __init__(self, regex, **kwargs):
        super().__init__(regex, **kwargs)
        self.validators.append(validate_text)


class AccountEmailField(serializers.EmailField):
    """A user's e-mail address. Required wherever an account is created (password reset and
    notifications need it), but an account made another way (`createsuperuser`) may have none,
    so an answer can hold '' and the schema says so (allow_blank); a blank value in a request
    is refused by `validate`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and not data.strip():
            self.fail("required")
        return super().run_validation(data)


class ModelSerializer(serializers.ModelSerializer):
    """Model fields of text become the fields above (control characters refused)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **{
            model_field: CharField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.CharField
        },
    }
