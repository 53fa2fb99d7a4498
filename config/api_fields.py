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
