package dev.nightshift.privacy;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Privacy settings of the orchestrator ({@code nightshift.privacy.*}). {@code forgetVacuumRetentionHours}: how much
 * Delta history {@code nightshift forget} keeps when it vacuums a table after erasing; 0 (the default) removes at once
 * every file that time travel could still read, so an erased entity is gone when the command returns (and earlier
 * versions of the tables can no longer be read). {@code maxEntities} bounds one request (the keys travel in the Spark
 * driver's environment).
 */
@Validated
@ConfigurationProperties("nightshift.privacy")
public record PrivacyProperties(
        @DefaultValue("0") @Min(0) @Max(720) int forgetVacuumRetentionHours,
        @DefaultValue("1000") @Min(1) @Max(10000) int maxEntities) {
}
